using System.Net;
using Aims.Risk.Core.Catalog;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker.Intake;

/// <summary>
/// The HTTP intake of platform events, on its own port (<see cref="IntakeOptions"/>): <c>/hooks/mlflow</c>,
/// <c>/hooks/azureml</c>, <c>/hooks/sagemaker</c> and <c>/events</c>. Each endpoint is off (404) until its secret or
/// key is set; with none set the port is not opened. Accepted events go to <c>aims.risk.ai-system-changes</c> like any publisher's.
/// </summary>
public static class IntakeEndpoints
{
    public static WebApplicationBuilder AddRiskIntake(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.Address is "localhost" or "*" || IPAddress.TryParse(o.Address, out _), $"{IntakeOptions.SectionName}:{nameof(IntakeOptions.Address)} must be 'localhost', '*' or an IP address")
            .Validate<IOptions<HealthOptions>>((o, health) => o.Port != health.Value.Port, $"{IntakeOptions.SectionName}:{nameof(IntakeOptions.Port)} must differ from Health:Port")
            .ValidateOnStart();
        services.AddOptions<MlflowIntakeOptions>().BindConfiguration(MlflowIntakeOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.Aliases.Count > 0, "Intake:Mlflow:DeployAliases must name at least one alias")
            .ValidateOnStart();
        foreach (var name in new[] { IntakeKeyOptions.AzureMl, IntakeKeyOptions.SageMaker, IntakeKeyOptions.Events })
        {
            services.AddOptions<IntakeKeyOptions>(name).BindConfiguration($"{IntakeOptions.SectionName}:{name}");
        }

        builder.AddSystemCatalog();
        services.AddSingleton<ChangePublisher>();
        services.AddSingleton<IntakePipeline>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection(IntakeOptions.SectionName).Get<IntakeOptions>() ?? new IntakeOptions();
            if (!IsConfigured(context.Configuration) || options.Port is < 1 or > 65535)
            {
                // Nothing to receive: no port is taken (replicas side by side on one host keep working). A bad port is
                // not bound either: the options validation at start stops the host with a message naming the key.
                return;
            }

            switch (options.Address)
            {
                case "localhost":
                    kestrel.ListenLocalhost(options.Port);
                    break;
                case "*":
                    kestrel.ListenAnyIP(options.Port);
                    break;
                default:
                    if (IPAddress.TryParse(options.Address, out var address))
                    {
                        kestrel.Listen(address, options.Port);
                    }

                    break;
            }
        });
        return builder;
    }

    /// <summary>Whether any endpoint has its secret or key: without one the intake does not listen at all.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new[] { "Mlflow:Secret", $"{IntakeKeyOptions.AzureMl}:Key", $"{IntakeKeyOptions.SageMaker}:Key", $"{IntakeKeyOptions.Events}:Key" }
            .Any(key => !string.IsNullOrEmpty(configuration[$"{IntakeOptions.SectionName}:{key}"]));
    }

    /// <summary>The intake's paths, answered on its port only; nothing else is answered there (the health report stays internal).</summary>
    public static IReadOnlyList<string> Paths { get; } = [MlflowHook.Path, AzureMlHook.Path, SageMakerHook.Path, CloudEventsHook.Path];

    public static WebApplication MapRiskIntake(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            var port = context.RequestServices.GetRequiredService<IOptions<IntakeOptions>>().Value.Port;
            if (context.Connection.LocalPort != port)
            {
                await next(context);
                return;
            }

            if (!Paths.Contains(context.Request.Path.Value, StringComparer.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            try
            {
                await next(context);
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
            {
                // A fault of ours: logged in full, answered without internals whatever the environment.
                context.RequestServices.GetRequiredService<IntakePipeline>().Failed(context.Request.Path.Value ?? "", ex);
                await IntakeRequest.Error(StatusCodes.Status500InternalServerError, "the event could not be processed; retry later").ExecuteAsync(context);
            }
        });
        // Only on the intake's port: the health port stays what an orchestrator probes and nothing else. The options
        // are read per request, so that a bad setting is reported by the validation at start, naming the key.
        var intake = app.MapGroup("").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.LocalPort == context.HttpContext.RequestServices.GetRequiredService<IOptions<IntakeOptions>>().Value.Port
                ? await next(context)
                : Results.NotFound());
        intake.MapPost(MlflowHook.Path, MlflowHook.HandleAsync);
        intake.MapPost(AzureMlHook.Path, AzureMlHook.HandleAsync);
        intake.MapMethods(AzureMlHook.Path, [HttpMethods.Options], AzureMlHook.Handshake);
        intake.MapPost(SageMakerHook.Path, SageMakerHook.HandleAsync);
        intake.MapPost(CloudEventsHook.Path, CloudEventsHook.HandleAsync);
        return app;
    }
}

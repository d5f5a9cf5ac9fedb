using Aims.Risk.Core;
using Aims.Risk.Worker;
using Aims.Risk.Worker.Intake;

if (args is [HealthProbe.Argument, ..])
{
    return await HealthProbe.RunAsync(args);
}

// Every way the worker stops for good ends with one line naming the cause and a non-zero exit code: a bad setting, a
// refused rule set, a service that failed while running. Not an unhandled exception's abort and stack dump.
IReadOnlyList<Microsoft.Extensions.Hosting.BackgroundService> services;
IHostApplicationLifetime? lifetime = null;
try
{
    // appsettings.json ships beside the binaries; relative paths in settings (Rules:Path, the SQLite file) are the working directory's.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddRiskLogging();
    builder.AddRiskAssessment();
    builder.AddRiskTelemetry();
    builder.AddRiskHealthEndpoints();
    builder.AddRiskIntake();
    var app = builder.Build();
    lifetime = app.Lifetime;
    app.MapRiskHealthEndpoints();
    app.MapRiskIntake();
    app.MapRiskReport();
    services = StopReason.BackgroundServices(app.Services);
    await app.RunAsync();
}
catch (OperationCanceledException) when (lifetime?.ApplicationStopping.IsCancellationRequested == true)
{
    // SIGTERM or Ctrl+C while the start waited (for the broker): a requested stop, not a failure.
    await Console.Error.WriteLineAsync(StopReason.StoppedWhileStarting);
    return 0;
}
#pragma warning disable CA1031 // The last resort: whatever stopped the worker is reported in one line.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync(StopReason.Describe(ex));
    return 1;
}

if (StopReason.FailedService(services) is { } failure)
{
    await Console.Error.WriteLineAsync(failure);
    return 1;
}

return 0;

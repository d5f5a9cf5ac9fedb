using System.Globalization;
using System.Net;
using System.Text.Json;
using Aims.Risk.Core;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker;

/// <summary>
/// The health endpoints an orchestrator probes, on their own port (<see cref="HealthOptions"/>):
/// <c>/health/live</c> answers while the process serves requests; <c>/health/ready</c> runs the broker, store and
/// rule-set checks (200 when Healthy or Degraded, 503 when Unhealthy) and returns each check's status and reason.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    public static WebApplicationBuilder AddRiskHealthEndpoints(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.Address is "localhost" or "*" || IPAddress.TryParse(o.Address, out _), $"{HealthOptions.SectionName}:{nameof(HealthOptions.Address)} must be 'localhost', '*' or an IP address")
            .ValidateOnStart();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection(HealthOptions.SectionName).Get<HealthOptions>() ?? new HealthOptions();
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

    public static WebApplication MapRiskHealthEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(Extensions.ReadyTag), ResponseWriter = WriteAsync });
        return app;
    }

    /// <summary>The report as JSON: overall status, then each check's status, reason and duration.</summary>
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description ?? entry.Exception?.Message);
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            if (entry.Data.Count > 0)
            {
                json.WriteStartObject("data");
                foreach (var (key, value) in entry.Data)
                {
                    json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}

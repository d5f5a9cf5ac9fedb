using Aims.Risk.Core.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Aims.Risk.Worker;

public static class TelemetryExtensions
{
    /// <summary>
    /// OpenTelemetry traces and metrics: MassTransit's sources and the service's own (<c>Aims.Risk</c>).
    /// Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard variable).
    /// </summary>
    public static IHostApplicationBuilder AddRiskTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("aims-risk-worker"))
            .WithMetrics(m =>
            {
                m.AddMeter("MassTransit", RiskMetrics.Name);
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });

        // Traces only where they go somewhere: a listener makes MassTransit build a tagged activity for every
        // receive, consume and publish, which costs the worker throughput even when nothing exports them.
        if (otlp)
        {
            telemetry.WithTracing(t => t.AddSource("MassTransit", RiskMetrics.Name).AddOtlpExporter());
        }

        return builder;
    }
}

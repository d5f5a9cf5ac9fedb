using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// The <c>broker</c> check: MassTransit's own check of the bus and its endpoints once the bus has started; before, the
/// reason it has not, in an operator's words ("broker unreachable at guest@localhost:5672/: Connection refused", or
/// ACCESS_REFUSED for credentials the broker refused) instead of MassTransit's "Not ready: not started".
/// </summary>
public sealed class BrokerHealthCheck(IHealthCheck bus, BusStartup startup, IOptions<RabbitMqOptions> rabbit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (startup.IsStarted)
        {
            return bus.CheckHealthAsync(context, cancellationToken);
        }

        var description = (startup.Failure, startup.Fault) switch
        {
            ({ } failure, _) => $"the bus did not start: {(BrokerFault.IsAccessRefused(failure) ? BrokerFault.AccessRefused : failure.Message)}",
            (null, { } fault) when BrokerFault.IsAccessRefused(fault) => BrokerFault.AccessRefused,
            (null, { } fault) => $"{BrokerFault.Describe(fault, rabbit.Value)}; retrying",
            _ => "connecting to the broker",
        };
        return Task.FromResult(new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, description));
    }
}

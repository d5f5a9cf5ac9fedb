using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Starts the bus in place of MassTransit's own hosted service, in the host's last start phase
/// (<see cref="StartedAsync"/>): every other service and the HTTP server run by then, so while the worker waits for a
/// broker that does not answer yet, <c>/health/live</c> answers and <c>/health/ready</c> says why
/// (<see cref="BusStartup"/>). The host's start still waits until the bus has started (MassTransit's
/// <c>WaitUntilStarted</c>, with its <c>StartTimeout</c>): nothing is consumed before, and the host's
/// <c>ApplicationStarted</c>, which the services that publish wait for, comes only after it. Before the bus, the
/// outbound exchanges are declared (<see cref="OutboundTopology"/>), so the first task a consumer publishes finds them.
/// A start that fails for good (the broker refused the login, or did not answer within the start timeout) fails the
/// host's start with the cause, and the process stops with one line naming it.
/// </summary>
public sealed class BusStarter(
    IBusDepot depot,
    OutboundTopology topology,
    BusStartup startup,
    IOptions<MassTransitHostOptions> options,
    IOptions<RabbitMqOptions> rabbit) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly MassTransitHostedService _bus = new(depot, options);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WaitForTopologyAsync(cancellationToken);
            await _bus.StartAsync(cancellationToken);
            startup.Started();
        }
        catch (Exception ex)
        {
            startup.Failed(ex);
            throw;
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _bus.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _bus.DisposeAsync();

    /// <summary>Up to the bus's start timeout, as long as the bus itself would wait for the broker.</summary>
    private async Task WaitForTopologyAsync(CancellationToken cancellationToken)
    {
        var limit = options.Value.StartTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit is { } span)
        {
            timeout.CancelAfter(span);
        }

        try
        {
            await topology.WaitUntilDeclaredAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = startup.Fault is { } fault ? BrokerFault.Describe(fault, rabbit.Value) : "the broker did not answer";
            throw new TimeoutException($"{reason}; gave up after {limit?.TotalSeconds:F0} s (MassTransit's start timeout)");
        }
    }
}

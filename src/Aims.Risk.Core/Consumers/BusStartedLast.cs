using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// MassTransit's hosted service, started in the host's last start phase (<see cref="StartedAsync"/>) instead of among
/// the other services. It still waits until the bus has started (<c>WaitUntilStarted</c>: without it the first
/// messages published right after start would be dropped as unroutable), but every other service, the HTTP server
/// included, is running by then: while the bus waits for a broker that is not there yet, <c>/health/live</c> answers
/// and <c>/health/ready</c> says why. A start that fails (the broker refused the login, or it stayed unreachable for
/// the start timeout) still fails the host's start with the bus's exception.
/// </summary>
public sealed class BusStartedLast(IBusDepot depot, IOptions<MassTransitHostOptions> options) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly MassTransitHostedService _bus = new(depot, options);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => _bus.StartAsync(cancellationToken);

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _bus.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _bus.DisposeAsync();
}

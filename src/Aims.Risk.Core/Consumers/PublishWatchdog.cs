using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Stops the worker when publishing is stuck while the bus says it is connected. RabbitMQ.Client 7.2 can wedge a
/// connection when the broker goes away mid-publish: its socket writer dies without failing the writes queued behind
/// it, a blocked publish keeps the channel's publisher-confirmation lock, and the connection's own shutdown waits for
/// that lock, so the bus never learns the connection is gone. Every later publish on it then waits until
/// <see cref="RiskWorkerOptions.PublishTimeout"/>, for as long as the process lives (the client's fix is not in a
/// released version yet). Nothing is lost meanwhile (the events are not acknowledged), but nothing progresses either.
/// The only way out is a new connection, i.e. a new process: when no publish has succeeded for
/// <see cref="RiskWorkerOptions.PublishStallLimit"/>, publishes timed out in that time, and the bus still reports
/// itself healthy (a broker that is really away is waited for, not restarted for), this service fails, the host
/// stops and the process exits 1 naming the cause; its supervisor starts it again and the unacknowledged events are
/// redelivered (the register makes any rewrite a no-op).
/// </summary>
public sealed partial class PublishWatchdog(
    IServiceProvider services,
    IOptions<RiskWorkerOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<PublishWatchdog> logger) : BackgroundService, IPublishObserver
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    private long _lastSuccessTicks = clock.GetUtcNow().UtcTicks;
    private long _timeoutsSinceSuccess;

    /// <summary>True once publishing was found stuck (the service then fails and the host stops).</summary>
    public bool Stuck { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, not in the constructor: the bus connects this observer while it is being created.
        var bus = services.GetRequiredService<IBusControl>();

        // Silence counts from the bus's start: the time the worker waited for the broker at start is not a stall.
        await lifetime.WaitUntilStartedAsync(stoppingToken);
        Interlocked.Exchange(ref _lastSuccessTicks, clock.GetUtcNow().UtcTicks);
        using var timer = new PeriodicTimer(CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var silent = clock.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref _lastSuccessTicks), TimeSpan.Zero);
            var timeouts = Interlocked.Read(ref _timeoutsSinceSuccess);
            if (silent < options.Value.PublishStallLimit || timeouts == 0 || bus.CheckHealth().Status != BusHealthStatus.Healthy)
            {
                continue;
            }

            Stuck = true;
            LogStuck(silent.TotalSeconds, timeouts);
            throw new PublishStuckException(
                $"publishing to the broker is stuck: no publish succeeded for {silent.TotalSeconds:F0} s and {timeouts} timed out while the bus reported itself connected " +
                "(a wedged RabbitMQ.Client connection after the broker went away); the worker stops so that a new process gets a new connection, and its unacknowledged events are redelivered");
        }
    }

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class
    {
        Interlocked.Exchange(ref _lastSuccessTicks, clock.GetUtcNow().UtcTicks);
        Interlocked.Exchange(ref _timeoutsSinceSuccess, 0);
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class
    {
        if (exception is OperationCanceledException)
        {
            Interlocked.Increment(ref _timeoutsSinceSuccess);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Publishing is stuck: no publish succeeded for {Seconds:F0} s, {Timeouts} timed out, the bus reports itself connected; stopping the worker so that it restarts with a new connection")]
    private partial void LogStuck(double seconds, long timeouts);
}

/// <summary>Publishing stopped working on a connection the bus believes healthy; only a new process recovers.</summary>
public sealed class PublishStuckException(string message) : Exception(message);

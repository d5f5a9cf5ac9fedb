using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Declares what the worker publishes to: the topic exchanges <see cref="Topology.TasksExchange"/> and
/// <see cref="Topology.RiskEventsExchange"/>, and <see cref="Topology.UnroutedTasks"/> (a fanout exchange and a durable
/// queue bound to it) for the tasks no subscriber's queue takes.
/// <para>
/// The bus is told not to declare these exchanges itself. MassTransit declares a publish exchange once per send
/// channel, on the first publish, under that publish's cancellation token; when the token ends the declaration (a
/// publish that reached <see cref="RiskWorkerOptions.PublishTimeout"/> while the broker restarted), the channel's
/// set-up stays failed and every later publish on it waits until its own deadline, for as long as the channel lives.
/// Declared here, a publish has nothing to set up. The declaration runs before the bus starts (<see cref="BusStarter"/>
/// waits for it; it is retried every 5 s while the broker does not answer) and again whenever the input endpoint
/// becomes ready, so a broker that restarted without its definitions gets them back.
/// </para>
/// <para>
/// The tasks exchange points at the unrouted exchange through a broker policy, not a declaration argument: an exchange
/// that an earlier version declared without the argument cannot be redeclared with it, whereas a policy applies to
/// existing exchanges too. Every declaration here is the one earlier versions made, so an existing broker accepts it.
/// </para>
/// </summary>
public sealed partial class OutboundTopology(
    IOptions<RabbitMqOptions> rabbit,
    IOptions<RiskWorkerOptions> worker,
    BusStartup startup,
    ILogger<OutboundTopology> logger) : IHostedService, IReceiveEndpointObserver, IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _declared = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Task _declaring = Task.CompletedTask;
    private bool _again;

    /// <summary>Starts declaring in the background; <see cref="BusStarter"/> waits for it before it starts the bus.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Request();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Completes once the exchanges were declared (at least once since the worker started); fails when the broker refused
    /// the login, or the declaration failed for a reason other than the broker's absence, before they ever were.
    /// </summary>
    public Task WaitUntilDeclaredAsync(CancellationToken cancellationToken) => _declared.Task.WaitAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _declaring.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>The input endpoint is (again) connected: the broker may have restarted without its definitions.</summary>
    public Task Ready(ReceiveEndpointReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (ready.InputAddress.AbsolutePath.EndsWith("/" + Topology.InputQueue, StringComparison.Ordinal))
        {
            Request();
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();

    /// <summary>Declares in the background until it succeeds; a request while one runs makes it declare once more.</summary>
    private void Request()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (!_declaring.IsCompleted)
            {
                _again = true;
                return;
            }

            _declaring = Task.Run(() => DeclareUntilDoneAsync(_stopping.Token));
        }
    }

    private async Task DeclareUntilDoneAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                _again = false;
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                attempt.CancelAfter(AttemptTimeout);
                await DeclareAsync(attempt.Token);
                _declared.TrySetResult();
                lock (_gate)
                {
                    if (!_again)
                    {
                        return;
                    }
                }

                continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Every fault is either retried or, before the first declaration, the reason the start fails.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                startup.Faulted(ex);
                if ((!IsBrokerFault(ex) || BrokerFault.IsAccessRefused(ex)) && _declared.TrySetException(ex))
                {
                    // Retrying cannot help (wrong credentials, a refused declaration): the worker does not start.
                    return;
                }

                LogNotYet(BrokerFault.Describe(ex, rabbit.Value));
            }

            try
            {
                await Task.Delay(RetryInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DeclareAsync(CancellationToken cancellationToken)
    {
        await using var connection = await rabbit.Value.CreateConnectionFactory("aims-risk topology").CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);

        // As MassTransit declared them before: durable topic exchanges, no arguments.
        await channel.ExchangeDeclareAsync(Topology.TasksExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(Topology.RiskEventsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);

        await channel.ExchangeDeclareAsync(Topology.UnroutedTasks, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        var arguments = worker.Value.QuorumQueue ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null;
        _ = await channel.QueueDeclareAsync(Topology.UnroutedTasks, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Topology.UnroutedTasks, Topology.UnroutedTasks, routingKey: "", cancellationToken: cancellationToken);
        LogDeclared(Topology.TasksExchange, Topology.RiskEventsExchange, Topology.UnroutedTasks);
    }

    private static bool IsBrokerFault(Exception ex) =>
        ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException
            or RabbitMQ.Client.Exceptions.OperationInterruptedException
            or RabbitMQ.Client.Exceptions.AlreadyClosedException
            or RabbitMQ.Client.Exceptions.ConnectFailureException
            or IOException
            or TimeoutException
            or OperationCanceledException;

    [LoggerMessage(Level = LogLevel.Information, Message = "Declared the exchanges {Tasks} and {Events}, and {Unrouted} (exchange and queue) for tasks that no queue takes")]
    private partial void LogDeclared(string tasks, string events, string unrouted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not declare the outbound exchanges yet ({Problem}); trying again every 5 s")]
    private partial void LogNotYet(string problem);
}

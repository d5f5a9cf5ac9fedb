using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Declares <see cref="Topology.UnroutedTasks"/> (a fanout exchange and a durable queue bound to it), so that a task no
/// subscriber's queue takes is kept rather than dropped. The tasks exchange points at it through a broker policy, not a
/// declaration argument: an exchange that an earlier version declared without the argument cannot be redeclared with
/// it, whereas a policy applies to existing exchanges too. Declaring is retried until the broker answers; the bus does
/// not wait for it.
/// </summary>
public sealed partial class UnroutedTasksTopology(
    IOptions<RabbitMqOptions> rabbit,
    IOptions<RiskWorkerOptions> worker,
    ILogger<UnroutedTasksTopology> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeclareAsync(stoppingToken);
                LogDeclared(Topology.UnroutedTasks);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException or TimeoutException)
            {
                LogNotYet(Topology.UnroutedTasks, ex.Message);
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
        await channel.ExchangeDeclareAsync(Topology.UnroutedTasks, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        var arguments = worker.Value.QuorumQueue ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null;
        _ = await channel.QueueDeclareAsync(Topology.UnroutedTasks, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Topology.UnroutedTasks, Topology.UnroutedTasks, routingKey: "", cancellationToken: cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Declared {Exchange} (exchange and queue) for tasks that no queue takes")]
    private partial void LogDeclared(string exchange);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not declare {Exchange} yet ({Problem}); trying again")]
    private partial void LogNotYet(string exchange, string problem);
}

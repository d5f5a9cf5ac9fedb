using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Publishes what transitions outside an event's consumer wrote to the outbox (owners' updates, the CLI, the sweep), then
/// marks it published. A crash between the two publishes it again with the same message id; every replica runs a relay,
/// so two may publish the same message: subscribers deduplicate on the message id, as they do for tasks.
/// </summary>
public sealed partial class OutboxRelay(
    IServiceProvider services,
    IRiskRegister register,
    OutboxSignal signal,
    TimeProvider clock,
    IOptions<RiskLifecycleOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the host, and with it the bus, has started: a publish before would wait for a connection the bus
        // has not made yet, or fail, while the messages are safe in the outbox meanwhile.
        try
        {
            await lifetime.WaitUntilStartedAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RelayAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The relay outlives a failed round: the messages stay in the outbox for the next one.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRelayFailed(ex);
            }

            try
            {
                await signal.WaitAsync(options.Value.OutboxInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes every pending message, oldest first; returns how many.</summary>
    public async Task<int> RelayAsync(CancellationToken cancellationToken)
    {
        var bus = services.GetRequiredService<IPublishEndpoint>();
        var published = 0;
        while (true)
        {
            var pending = await register.ReadOutboxAsync(Batch, cancellationToken);
            foreach (var message in pending)
            {
                await PublishAsync(bus, message, cancellationToken);
                await register.MarkPublishedAsync(message.MessageId, clock.GetUtcNow(), cancellationToken);
                published++;
            }

            if (pending.Count < Batch)
            {
                return published;
            }
        }
    }

    private static async Task PublishAsync(IPublishEndpoint bus, OutboxMessage message, CancellationToken cancellationToken)
    {
        switch (message.MessageType)
        {
            case nameof(RiskStatusChanged):
                var change = JsonSerializer.Deserialize<RiskStatusChanged>(message.Body, ContractJson.Options)!;
                await bus.Publish(change, p => p.MessageId = message.MessageId, cancellationToken);
                break;
            case nameof(RiskTreatmentRequested):
                var task = JsonSerializer.Deserialize<RiskTreatmentRequested>(message.Body, ContractJson.Options)!;
                await bus.Publish(task, p => p.MessageId = message.MessageId, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"outbox message {message.MessageId} has an unknown type '{message.MessageType}'");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the outbox failed; the messages stay there for the next round")]
    private partial void LogRelayFailed(Exception exception);
}

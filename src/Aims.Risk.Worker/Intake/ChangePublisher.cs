using Aims.Risk.Core.Consumers;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Aims.Risk.Worker.Intake;

/// <summary>
/// Publishes intake events to <c>aims.risk.ai-system-changes</c> as plain JSON (what any publisher sends), persistent,
/// mandatory and with publisher confirms: <see cref="PublishAsync"/> returns only after the broker confirmed that the
/// queue holds the message, and throws if it nacked, could not route it, or did not answer in time. A request is
/// answered 202 only then, so nothing accepted is lost.
/// </summary>
public sealed class ChangePublisher(IOptions<RabbitMqOptions> rabbit) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    /// <exception cref="Exception">The broker did not confirm every message (the caller answers 503).</exception>
    public async Task PublishAsync(IReadOnlyList<(Guid EventId, byte[] Body)> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        foreach (var (eventId, body) in events)
        {
            var properties = new BasicProperties
            {
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                MessageId = eventId.ToString(),
            };

            // With confirmation tracking the call completes when the broker acks, and throws on a nack or a return.
            await channel.BasicPublishAsync(exchange: "", routingKey: Topology.InputQueue, mandatory: true, basicProperties: properties, body: body, cancellationToken: cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _connecting.Dispose();
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } current)
            {
                return current;
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }

            var factory = rabbit.Value.CreateConnectionFactory("aims-risk intake");
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }
}

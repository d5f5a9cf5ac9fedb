using Aims.Risk.Core.Consumers;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// A durable queue bound to the tasks exchange with '#' before anything is published, consumed by a risk owner's
/// plain AMQP client: every task id that reached the exchange, with how many times it arrived.
/// </summary>
public sealed class TaskCollector : IAsyncDisposable
{
    private readonly Dictionary<Guid, int> _received = [];
    private readonly Lock _gate = new();
    private readonly VirtualHost _virtualHost;
    private IConnection? _connection;
    private IChannel? _channel;

    private TaskCollector(VirtualHost virtualHost, string queue)
    {
        _virtualHost = virtualHost;
        Queue = queue;
    }

    public string Queue { get; }

    public int Messages { get; private set; }

    /// <summary>Declares and binds the queue (durable: it outlives a broker restart) and starts consuming.</summary>
    public static async Task<TaskCollector> BindAsync(VirtualHost virtualHost)
    {
        var collector = new TaskCollector(virtualHost, $"aims.risk.tests.tasks.{Guid.NewGuid():N}");
        await using (var connection = await virtualHost.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeclareAsync(Topology.TasksExchange, ExchangeType.Topic, durable: true, autoDelete: false);
            await channel.QueueDeclareAsync(collector.Queue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            await channel.QueueBindAsync(collector.Queue, Topology.TasksExchange, "#");
        }

        return collector;
    }

    /// <summary>Consumes from the queue until the task ids of <paramref name="expected"/> have all arrived or time is up.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> CollectAsync(IEnumerable<Guid> expected, TimeSpan timeout)
    {
        var wanted = expected.ToHashSet();
        if (_channel is null)
        {
            _connection = await _virtualHost.ConnectAsync();
            _channel = await _connection.CreateChannelAsync();
            await _channel.BasicQosAsync(0, 500, global: false);
            var consumer = new AsyncEventingBasicConsumer(_channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                if (Guid.TryParse(delivery.BasicProperties.MessageId, out var taskId))
                {
                    lock (_gate)
                    {
                        _received[taskId] = _received.GetValueOrDefault(taskId) + 1;
                        Messages++;
                    }
                }

                await _channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            };
            await _channel.BasicConsumeAsync(Queue, autoAck: false, consumer);
        }

        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (_gate)
            {
                if (wanted.All(_received.ContainsKey))
                {
                    break;
                }
            }

            await Task.Delay(200);
        }

        // Late duplicates (a redelivered event republishes its tasks) still count: let them arrive.
        await Task.Delay(TimeSpan.FromSeconds(2));
        lock (_gate)
        {
            return new Dictionary<Guid, int>(_received);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}

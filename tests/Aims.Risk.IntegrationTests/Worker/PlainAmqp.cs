using System.Text;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>
/// A publisher and a task consumer written with RabbitMQ.Client alone, as upstream pipelines and risk
/// owners' bridges are: no MassTransit on this side.
/// </summary>
public sealed class PlainAmqp : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private PlainAmqp(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public IChannel Channel => _channel;

    public IConnection Connection => _connection;

    public static async Task<PlainAmqp> ConnectAsync(RabbitMqFixture broker)
    {
        var connection = await broker.CreateConnectionAsync();
        return new PlainAmqp(connection, await connection.CreateChannelAsync());
    }

    /// <summary>Publishes to the default exchange with the queue's name as routing key, or to <paramref name="exchange"/>.</summary>
    public async Task<string> PublishAsync(byte[] body, string? contentType = "application/json", string exchange = "", string? messageId = null)
    {
        var id = messageId ?? Guid.NewGuid().ToString();
        var properties = new BasicProperties { MessageId = id, DeliveryMode = DeliveryModes.Persistent, ContentType = contentType };
        await _channel.BasicPublishAsync(exchange, exchange.Length == 0 ? Topology.InputQueue : "", mandatory: true, properties, body);
        return id;
    }

    /// <summary>A private queue bound to the tasks exchange with <paramref name="bindingKey"/>.</summary>
    public async Task<string> BindTaskQueueAsync(string bindingKey = "#")
    {
        await _channel.ExchangeDeclareAsync(Topology.TasksExchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = await _channel.QueueDeclareAsync(RabbitMqFixture.UniqueName("tasks"), durable: false, exclusive: true, autoDelete: true);
        await _channel.QueueBindAsync(queue.QueueName, Topology.TasksExchange, bindingKey);
        return queue.QueueName;
    }

    /// <summary>Takes messages off <paramref name="queue"/> until <paramref name="done"/> holds or the time is up.</summary>
    public async Task<List<BasicGetResult>> TakeAsync(string queue, Func<List<BasicGetResult>, bool> done, TimeSpan? timeout = null)
    {
        var taken = new List<BasicGetResult>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));

        // A channel of its own: the queue may not exist yet (an error queue is declared with its first message, and a
        // fresh virtual host has none), and the broker closes the channel of a get on a missing queue.
        var channel = await _connection.CreateChannelAsync();
        try
        {
            while (!done(taken) && DateTime.UtcNow < deadline)
            {
                BasicGetResult? message;
                try
                {
                    message = await channel.BasicGetAsync(queue, autoAck: true);
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
                {
                    await channel.DisposeAsync();
                    channel = await _connection.CreateChannelAsync();
                    message = null;
                }

                if (message is not null)
                {
                    taken.Add(message);
                }
                else
                {
                    await Task.Delay(50);
                }
            }
        }
        finally
        {
            await channel.DisposeAsync();
        }

        return taken;
    }

    public static string? Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

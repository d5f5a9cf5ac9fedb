using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Aims.Risk.IntegrationTests.Broker;

[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class RabbitMqFixtureTests(RabbitMqFixture broker)
{
    private static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Published_json_message_is_consumed_back_with_its_body_content_type_and_message_id()
    {
        await using var connection = await broker.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = RabbitMqFixture.UniqueName("round-trip");
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true);

        var messageId = Guid.NewGuid().ToString();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { eventId = messageId, source = "integration-tests/broker" });
        var properties = new BasicProperties { ContentType = "application/json", MessageId = messageId };

        var received = new TaskCompletionSource<Delivery>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, args) =>
        {
            // The client reuses the body's buffer once the handler returns: copy it here.
            received.TrySetResult(new Delivery(args.Body.ToArray(), args.BasicProperties.ContentType, args.BasicProperties.MessageId, args.RoutingKey));
            return Task.CompletedTask;
        };
        _ = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        await channel.BasicPublishAsync(exchange: "", routingKey: queue, mandatory: true, basicProperties: properties, body: body);
        var delivery = await received.Task.WaitAsync(DeliveryBound);

        Assert.Equal(body, delivery.Body);
        using var json = JsonDocument.Parse(delivery.Body);
        Assert.Equal(messageId, json.RootElement.GetProperty("eventId").GetString());
        Assert.Equal("application/json", delivery.ContentType);
        Assert.Equal(messageId, delivery.MessageId);
        Assert.Equal(queue, delivery.RoutingKey);
    }

    [Fact]
    public async Task BasicGet_on_an_empty_queue_returns_null()
    {
        await using var connection = await broker.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = RabbitMqFixture.UniqueName("empty");
        var declared = await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true);

        var result = await channel.BasicGetAsync(queue, autoAck: true);

        Assert.Equal(0u, declared.MessageCount);
        Assert.Null(result);
    }

    private sealed record Delivery(byte[] Body, string? ContentType, string? MessageId, string RoutingKey);
}

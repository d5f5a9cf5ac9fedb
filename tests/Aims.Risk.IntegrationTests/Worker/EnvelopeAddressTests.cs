using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>
/// A MassTransit envelope's addresses are attacker input: a message whose <c>faultAddress</c>, <c>responseAddress</c>
/// or <c>destinationAddress</c> names an exchange must not make the worker declare it or send anything there. An
/// envelope with a return address is refused before it is read (an event answers nobody); the destination is ignored.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class EnvelopeAddressTests(RabbitMqFixture broker, ITestOutputHelper output) : IAsyncLifetime
{
    private WorkerHost _worker = null!;
    private PlainAmqp _amqp = null!;

    public async Task InitializeAsync()
    {
        _worker = await WorkerHost.StartAsync(broker);
        _amqp = await PlainAmqp.ConnectAsync(broker);
    }

    public async Task DisposeAsync()
    {
        await _amqp.DisposeAsync();
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task Envelope_addresses_create_nothing_and_receive_nothing()
    {
        var targets = new Dictionary<string, string>
        {
            ["faultAddress"] = RabbitMqFixture.UniqueName("attacker-fault"),
            ["responseAddress"] = RabbitMqFixture.UniqueName("attacker-response"),
            ["destinationAddress"] = RabbitMqFixture.UniqueName("attacker-destination"),
        };
        var bad = BadInputCorpus.Valid(Guid.NewGuid());
        bad["changeType"] = "Nope";
        var goodId = Guid.NewGuid();
        var sent = new List<string>();
        foreach (var message in new[] { bad, BadInputCorpus.Valid(goodId) })
        {
            var envelope = new JsonObject
            {
                ["messageId"] = Guid.NewGuid().ToString(),
                ["messageType"] = new JsonArray("urn:message:Aims.Risk.Contracts:AiSystemChanged"),
                ["message"] = message,
            };
            foreach (var (field, exchange) in targets)
            {
                envelope[field] = $"rabbitmq://{broker.Host}:{broker.Port}/{exchange}";
            }

            sent.Add(await _amqp.PublishAsync(Encoding.UTF8.GetBytes(envelope.ToJsonString()), "application/vnd.masstransit+json"));
        }

        var errors = await _amqp.TakeAsync(Topology.ErrorQueue, taken => sent.All(id => taken.Any(m => m.BasicProperties.MessageId == id)), TimeSpan.FromSeconds(60));
        foreach (var id in sent)
        {
            var refused = Assert.Single(errors, m => m.BasicProperties.MessageId == id);
            Assert.StartsWith("the MassTransit envelope names a faultAddress", PlainAmqp.Header(refused, "MT-Fault-Message"), StringComparison.Ordinal);
        }

        Assert.Null(await _worker.Register.FindAssessmentAsync(goodId, default));
        var created = new List<string>();
        foreach (var (field, exchange) in targets)
        {
            await using var channel = await _amqp.Connection.CreateChannelAsync();
            try
            {
                await channel.ExchangeDeclarePassiveAsync(exchange);
                created.Add($"{field}: exchange {exchange} was declared");
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
            {
                output.WriteLine($"{field}: exchange {exchange} does not exist");
            }
        }

        Assert.Empty(created);
    }
}

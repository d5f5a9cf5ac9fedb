using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.TestSupport;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// The broker's topology as operators meet it: exchanges exist from the start (subscribers can bind before the first
/// message), a broker that the previous version set up keeps working, and tasks that no queue takes are kept once the
/// alternate-exchange policy is applied.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class TopologyUpgradeTests(RabbitMqFixture broker)
{
    [LocalBrokerFact]
    public async Task Exchanges_and_the_unrouted_queue_are_declared_at_start_before_any_message()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("topology");
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={folder.File("register.db")}", folder.Path);
        _ = await worker.WaitUntilAsync(r => r.Status == "Healthy", TimeSpan.FromSeconds(90));
        Assert.True(await worker.LogContainsAsync(Topology.UnroutedTasks, TimeSpan.FromSeconds(30)), worker.LogTail());

        await using var connection = await virtualHost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var exchange in new[] { Topology.TasksExchange, Topology.RiskEventsExchange, Topology.UnroutedTasks, Topology.InputQueue })
        {
            await channel.ExchangeDeclarePassiveAsync(exchange);
        }

        foreach (var queue in new[] { Topology.InputQueue, Topology.UpdatesQueue, Topology.UnroutedTasks })
        {
            _ = await channel.QueueDeclarePassiveAsync(queue);
        }

        folder.Keep = false;
    }

    [LocalBrokerFact]
    public async Task A_broker_set_up_by_the_previous_version_keeps_working_and_keeps_unrouted_tasks_under_the_policy()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        await DeclareAsThePreviousVersionDidAsync(virtualHost);
        await LocalBroker.CtlAsync(
            "-q", "set_policy", "-p", virtualHost.Name, "--apply-to", "exchanges", "aims-risk-unrouted-tasks",
            "^aims\\.risk\\.treatment-tasks$", $"{{\"alternate-exchange\":\"{Topology.UnroutedTasks}\"}}");
        using var folder = new TempFolder("upgrade");
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={folder.File("register.db")}", folder.Path);
        _ = await worker.WaitUntilAsync(r => r.Status == "Healthy", TimeSpan.FromSeconds(90));
        Assert.True(await worker.LogContainsAsync(Topology.UnroutedTasks, TimeSpan.FromSeconds(30)), worker.LogTail());

        var json = JsonNode.Parse(RepositoryRoot.Example("credit-scoring.json"))!.AsObject();
        var eventId = Guid.NewGuid();
        json["eventId"] = eventId.ToString();
        json["security"] = new JsonObject { ["artifactSigned"] = false, ["criticalVulnerabilities"] = 2 };
        await using var connection = await virtualHost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicPublishAsync("", Topology.InputQueue, mandatory: true, new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes(json.ToJsonString()));

        // No subscriber is bound to the tasks exchange in this virtual host: every task lands in the unrouted queue.
        var unrouted = 0u;
        for (var i = 0; i < 300 && unrouted == 0; i++)
        {
            await Task.Delay(100);
            unrouted = await virtualHost.MessageCountAsync(Topology.UnroutedTasks);
        }

        Assert.True(unrouted > 0, $"no task reached {Topology.UnroutedTasks}; {worker.LogTail()}");
        var task = await channel.BasicGetAsync(Topology.UnroutedTasks, autoAck: true);
        Assert.Contains(eventId.ToString(), Encoding.UTF8.GetString(task!.Body.Span), StringComparison.Ordinal);
        Assert.Equal(0u, await virtualHost.MessageCountAsync(Topology.ErrorQueue));
        folder.Keep = false;
    }

    /// <summary>What version 1 (before the lifecycle) declared: the input queue and fanout, the error queue, the tasks exchange.</summary>
    private static async Task DeclareAsThePreviousVersionDidAsync(VirtualHost virtualHost)
    {
        await using var connection = await virtualHost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Topology.InputQueue, ExchangeType.Fanout, durable: true, autoDelete: false);
        _ = await channel.QueueDeclareAsync(Topology.InputQueue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await channel.QueueBindAsync(Topology.InputQueue, Topology.InputQueue, "");
        await channel.ExchangeDeclareAsync(Topology.ErrorQueue, ExchangeType.Fanout, durable: true, autoDelete: false);
        _ = await channel.QueueDeclareAsync(Topology.ErrorQueue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(Topology.ErrorQueue, Topology.ErrorQueue, "");
        await channel.ExchangeDeclareAsync(Topology.TasksExchange, ExchangeType.Topic, durable: true, autoDelete: false);
    }
}

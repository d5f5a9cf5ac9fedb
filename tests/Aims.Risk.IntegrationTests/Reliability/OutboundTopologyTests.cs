using System.Diagnostics;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Worker;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// The exchanges the worker publishes to are declared by the worker itself (OutboundTopology), never by the bus on a
/// publish: MassTransit declares a publish exchange once per send channel under the first publish's cancellation token,
/// and a declaration that token ended stayed failed, so every later publish on the channel waited until its own
/// deadline (seen as a worker that, after a broker restart, timed out every event's tasks until it was restarted).
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class OutboundTopologyTests(RabbitMqFixture broker)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_bus_declares_nothing_when_it_publishes_tasks_or_status_events()
    {
        await using var worker = await WorkerHost.StartAsync(broker);
        var publish = worker.Services.GetRequiredService<IBus>().Topology.PublishTopology;
        Assert.True(publish.GetMessageTopology<RiskTreatmentRequested>().Exclude, "RiskTreatmentRequested publishes declare their exchange");
        Assert.True(publish.GetMessageTopology<RiskStatusChanged>().Exclude, "RiskStatusChanged publishes declare their exchange");
    }

    [LocalBrokerFact]
    public async Task Exchanges_a_broker_lost_are_declared_again_when_the_worker_reconnects()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        await using var worker = await WorkerHost.StartAsync(broker, new Dictionary<string, string?> { ["RabbitMq:VirtualHost"] = virtualHost.Name });
        var outbound = new[] { Topology.TasksExchange, Topology.RiskEventsExchange, Topology.UnroutedTasks };
        await using (var deleting = await virtualHost.ConnectAsync())
        await using (var channel = await deleting.CreateChannelAsync())
        {
            foreach (var exchange in outbound)
            {
                await channel.ExchangeDeleteAsync(exchange);
            }
        }

        // As after a broker restart that lost its definitions: the worker's connections are closed and it reconnects.
        await LocalBroker.CtlAsync("-q", "close_all_connections", "--vhost", virtualHost.Name, "--limit", "100", "the test drops the worker's connections");
        await using var connection = await virtualHost.ConnectAsync();
        var until = Stopwatch.StartNew();
        foreach (var exchange in outbound)
        {
            while (!await ExistsAsync(connection, exchange))
            {
                Assert.True(until.Elapsed < TimeSpan.FromMinutes(1), $"{exchange} was not declared again within a minute of the reconnection");
                await Task.Delay(200);
            }
        }

        await PublishTaskAsync(worker.Services.GetRequiredService<IBus>(), CancellationToken.None).WaitAsync(Deadline);
    }

    /// <summary>A publish cancelled while the broker does not answer leaves the publishes after it working.</summary>
    [LocalBrokerFact]
    public async Task A_publish_cancelled_while_the_broker_does_not_answer_does_not_stall_the_publishes_after_it()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        await using var worker = await WorkerHost.StartAsync(broker, new Dictionary<string, string?> { ["RabbitMq:VirtualHost"] = virtualHost.Name });
        var bus = worker.Services.GetRequiredService<IBus>();

        // A fresh connection, as after a broker restart; a first publish of another type opens the shared send channel,
        // but the task and status publishes have not used it yet.
        await LocalBroker.CtlAsync("-q", "close_all_connections", "--vhost", virtualHost.Name, "--limit", "100", "fresh channels for the test");
        await WaitForBrokerHealthAsync(worker);
        await bus.Publish(new OutboundProbe(Guid.NewGuid())).WaitAsync(Deadline);

        // The broker stops answering (its process is stopped): the status publish waits on the channel, and the task
        // publish behind it reaches its deadline.
        var brokerProcess = (await LocalBroker.CtlAsync("-q", "eval", "os:getpid().")).Trim().Trim('"');
        Signal("STOP", brokerProcess);
        Task status;
        try
        {
            status = PublishStatusAsync(bus, CancellationToken.None);
            await Task.Delay(300);
            using var early = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var cancelled = PublishTaskAsync(bus, early.Token);
            await Task.WhenAny(cancelled, Task.Delay(TimeSpan.FromSeconds(3)));
        }
        finally
        {
            Signal("CONT", brokerProcess);
        }

        await status.WaitAsync(Deadline);
        var second = PublishTaskAsync(bus, CancellationToken.None);
        var finished = await Task.WhenAny(second, Task.Delay(Deadline));
        Assert.True(finished == second, $"a task publish after one cancelled while the broker did not answer did not finish within {Deadline.TotalSeconds:F0} s");
        await second;
    }

    private static async Task<bool> ExistsAsync(IConnection connection, string exchange)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.ExchangeDeclarePassiveAsync(exchange);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }

    private static async Task WaitForBrokerHealthAsync(WorkerHost worker)
    {
        var health = worker.Services.GetRequiredService<HealthCheckService>();
        var until = Stopwatch.StartNew();
        while ((await health.CheckHealthAsync(r => r.Name == "broker")).Status != HealthStatus.Healthy)
        {
            Assert.True(until.Elapsed < TimeSpan.FromMinutes(1), "the worker did not reconnect within a minute");
            await Task.Delay(100);
        }
    }

    private static void Signal(string signal, string pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static Task PublishTaskAsync(IBus bus, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var task = new RiskTreatmentRequested
        {
            TaskId = Guid.NewGuid(), EventId = Guid.NewGuid(), SystemId = "publish-setup", SystemName = "publish set-up", Owner = "ops",
            Category = "Security", RuleId = "SEC-TEST", RuleSetVersion = "0.0.0", Title = "test", Rationale = "test",
            Likelihood = 1, Impact = 1, Score = 1, Level = RiskLevel.Low, Treatment = Treatment.Mitigate, Controls = [],
            DueBy = now, CreatedAt = now,
        };
        return bus.Publish(task, p => p.MessageId = task.TaskId, cancellationToken);
    }

    private static Task PublishStatusAsync(IBus bus, CancellationToken cancellationToken)
    {
        var change = new RiskStatusChanged
        {
            ChangeId = Guid.NewGuid(), RiskId = Guid.NewGuid(), SystemId = "publish-setup", RuleId = "SEC-TEST", Category = "Security",
            FromStatus = null, ToStatus = RiskStatus.TreatmentRequested, Level = RiskLevel.Low, At = DateTimeOffset.UtcNow, Actor = "test", Reason = "test",
        };
        return bus.Publish(change, p => p.MessageId = change.ChangeId, cancellationToken);
    }
}

/// <summary>A message type of the test's own, published first so that the bus's send channel is open.</summary>
public sealed record OutboundProbe(Guid Id);

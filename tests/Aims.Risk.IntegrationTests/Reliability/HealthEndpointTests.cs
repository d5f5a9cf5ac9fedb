using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Rules;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Worker;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>/health/live and /health/ready of the worker process, as an orchestrator probes them.</summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class HealthEndpointTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    private static readonly string ShippedVersion = RuleSetLoader.Load(RepositoryRoot.Rules).Version;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Ready_is_healthy_with_broker_store_and_rules_and_live_answers()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("health");
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={folder.File("register.db")}", folder.Path);

        var ready = await worker.ReadyAsync();
        using var live = await Http.GetAsync(new Uri($"http://localhost:{worker.HealthPort}/health/live"));

        Assert.NotNull(ready);
        output.WriteLine(ready.Body);
        Assert.Equal(200, ready.StatusCode);
        Assert.Equal("Healthy", ready.Status);
        Assert.Equal(("Healthy", "Healthy", "Healthy"), (ready.CheckStatus("broker"), ready.CheckStatus("store"), ready.CheckStatus("rules")));
        Assert.Contains($"rule set {ShippedVersion} is active", ready.CheckDescription("rules"), StringComparison.Ordinal);
        Assert.Equal(200, (int)live.StatusCode);
        folder.Keep = false;
    }

    [Fact]
    public async Task Store_that_refuses_writes_makes_ready_unhealthy_and_error_queues_at_once_with_the_reason_until_a_write_succeeds()
    {
        const int Poisoned = 20;
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("health-store");
        var database = folder.File("register.db");
        var audit = new RegisterAudit(database);

        // The default retry settings: a permanent fault must not be retried, whatever Worker__RetryLimit says.
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={database}", folder.Path);
        await using var connection = await virtualHost.ConnectAsync();
        var stream = EventBatch.Create(Poisoned + 2);

        await EventBatch.PublishAsync(connection, stream.Events.Take(1));
        await DeliveryCheck.WaitForAllAsync(audit, 1, TimeSpan.FromSeconds(30), () => worker.LogTail());

        // A permanent fault: the table the writes need is gone (as after a botched manual migration).
        await ExecuteAsync(database, "ALTER TABLE Assessments RENAME TO AssessmentsMoved;");
        await EventBatch.PublishAsync(connection, stream.Events.Skip(1).Take(Poisoned));
        var failing = await worker.WaitUntilAsync(r => r.StatusCode == 503, TimeSpan.FromSeconds(60));
        output.WriteLine(failing.Body);

        Assert.Equal("Unhealthy", failing.Status);
        Assert.Equal("Unhealthy", failing.CheckStatus("store"));
        Assert.Contains("writes fail since", failing.CheckDescription("store"), StringComparison.Ordinal);
        Assert.Contains("no such table: Assessments", failing.CheckDescription("store"), StringComparison.Ordinal);
        Assert.True(await worker.LogContainsAsync("retrying will not help", TimeSpan.FromSeconds(15)), worker.LogTail());

        // Not retried: every message is parked in the error queue with the reason, to be moved back. Retried with
        // back-off (the earlier policy: 10 retries rising to 30 s), they would still be waiting at the deadline.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await virtualHost.MessageCountAsync(Topology.ErrorQueue) < Poisoned && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal((uint)Poisoned, await virtualHost.MessageCountAsync(Topology.ErrorQueue));
        var reasons = await ErrorQueueReasonsAsync(connection, Poisoned);
        Assert.All(reasons, r => Assert.Equal("the risk register refused the write (SQLite error 1: no such table: Assessments); not retried, as retrying cannot fix it", r));

        await ExecuteAsync(database, "ALTER TABLE AssessmentsMoved RENAME TO Assessments;");
        await EventBatch.PublishAsync(connection, stream.Events.Skip(Poisoned + 1));
        await DeliveryCheck.WaitForAllAsync(audit, 2, TimeSpan.FromSeconds(30), () => worker.LogTail());
        var recovered = await worker.WaitUntilAsync(r => r.StatusCode == 200, TimeSpan.FromSeconds(30));

        Assert.Equal("Healthy", recovered.CheckStatus("store"));
        new DeliveryReport("store refuses writes (permanent)", Poisoned + 2, 2, 0, 0, 0, (uint)Poisoned, 0, 0, 0, 0, TimeSpan.Zero,
            "the events written while the table was gone are in the error queue at once, with their reason, not retried; ready was 503 until the next write succeeded").Publish(output);
        folder.Keep = false;
    }

    /// <summary>The <c>MT-Fault-Message</c> of the error queue's messages, taken without acknowledging them.</summary>
    private static async Task<List<string?>> ErrorQueueReasonsAsync(RabbitMQ.Client.IConnection connection, int count)
    {
        await using var channel = await connection.CreateChannelAsync();
        var reasons = new List<string?>();
        for (var i = 0; i < count && await channel.BasicGetAsync(Topology.ErrorQueue, autoAck: false) is { } message; i++)
        {
            reasons.Add(PlainAmqp.Header(message, "MT-Fault-Message"));
        }

        return reasons;
    }

    [Fact]
    public async Task Refused_rule_set_change_makes_rules_degraded_while_the_older_set_stays_active()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("health-rules");
        var rules = folder.File("rules");
        CopyFolder(RepositoryRoot.Rules, rules);
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={folder.File("register.db")}", folder.Path,
            new Dictionary<string, string> { ["Rules__Path"] = rules, ["Rules__Watch"] = "true", ["Rules__ReloadDelay"] = "00:00:00.200" });

        var privacy = Path.Combine(rules, "privacy.json");
        var broken = JsonNode.Parse(await File.ReadAllTextAsync(privacy))!;
        broken["Rules"]![0]!["Expression"] = "change.System.GetType().Assembly != null";
        await File.WriteAllTextAsync(privacy, broken.ToJsonString(), Encoding.UTF8);
        var degraded = await worker.WaitUntilAsync(r => r.CheckStatus("rules") == "Degraded", TimeSpan.FromSeconds(60));
        output.WriteLine(degraded.Body);

        Assert.Equal(200, degraded.StatusCode);
        Assert.Equal("Degraded", degraded.Status);
        Assert.Contains($"rule set {ShippedVersion} is active, but the folder's latest content was refused", degraded.CheckDescription("rules"), StringComparison.Ordinal);
        Assert.Contains("privacy.json", degraded.CheckDescription("rules"), StringComparison.Ordinal);
        folder.Keep = false;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Rules;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Worker;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>/health/live and /health/ready of the worker process, as an orchestrator probes them.</summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class HealthEndpointTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    private static readonly string ShippedVersion = RuleSetLoader.Load(Repository.Rules).Version;

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
    public async Task Store_that_refuses_writes_makes_ready_unhealthy_with_the_reason_until_a_write_succeeds()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("health-store");
        var database = folder.File("register.db");
        var audit = new RegisterAudit(database);
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={database}", folder.Path,
            new Dictionary<string, string> { ["Worker__RetryLimit"] = "1" });
        await using var connection = await virtualHost.ConnectAsync();
        var stream = EventBatch.Create(3);

        await EventBatch.PublishAsync(connection, stream.Events.Take(1));
        await DeliveryCheck.WaitForAllAsync(audit, 1, TimeSpan.FromSeconds(30), () => worker.LogTail());

        // A permanent fault: the table the writes need is gone (as after a botched manual migration).
        await ExecuteAsync(database, "ALTER TABLE Assessments RENAME TO AssessmentsMoved;");
        await EventBatch.PublishAsync(connection, stream.Events.Skip(1).Take(1));
        var failing = await worker.WaitUntilAsync(r => r.StatusCode == 503, TimeSpan.FromSeconds(60));
        output.WriteLine(failing.Body);

        Assert.Equal("Unhealthy", failing.Status);
        Assert.Equal("Unhealthy", failing.CheckStatus("store"));
        Assert.Contains("writes fail since", failing.CheckDescription("store"), StringComparison.Ordinal);
        Assert.Contains("no such table: Assessments", failing.CheckDescription("store"), StringComparison.Ordinal);
        Assert.True(await worker.LogContainsAsync("retrying will not help", TimeSpan.FromSeconds(15)), worker.LogTail());

        // The message is not retried forever: it is parked in the error queue with the reason, to be moved back.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await virtualHost.MessageCountAsync(Topology.ErrorQueue) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(1u, await virtualHost.MessageCountAsync(Topology.ErrorQueue));

        await ExecuteAsync(database, "ALTER TABLE AssessmentsMoved RENAME TO Assessments;");
        await EventBatch.PublishAsync(connection, stream.Events.Skip(2));
        await DeliveryCheck.WaitForAllAsync(audit, 2, TimeSpan.FromSeconds(30), () => worker.LogTail());
        var recovered = await worker.WaitUntilAsync(r => r.StatusCode == 200, TimeSpan.FromSeconds(30));

        Assert.Equal("Healthy", recovered.CheckStatus("store"));
        new DeliveryReport("store refuses writes (permanent)", 3, 2, 0, 0, 0, await virtualHost.MessageCountAsync(Topology.ErrorQueue), 0, 0, 0, 0, TimeSpan.Zero,
            "the event written while the table was gone is in the error queue with its reason; ready was 503 until the next write succeeded").Publish(output);
        folder.Keep = false;
    }

    [Fact]
    public async Task Refused_rule_set_change_makes_rules_degraded_while_the_older_set_stays_active()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("health-rules");
        var rules = folder.File("rules");
        CopyFolder(Repository.Rules, rules);
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

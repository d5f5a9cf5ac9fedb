using System.Diagnostics;
using Aims.Risk.IntegrationTests.Broker;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// The register unavailable for writes for 30 seconds: another process holds the SQLite file's write lock
/// (<c>BEGIN EXCLUSIVE</c>) while events arrive. Messages must wait and be retried, none dropped and none sent
/// to the error queue, and the backlog must drain once the lock is released.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class StoreOutageTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Register_locked_for_30_seconds_holds_every_message_and_drains_the_backlog_afterwards()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("outage");
        var database = folder.File("register.db");
        var stream = EventBatch.Create(400);
        var audit = new RegisterAudit(database);

        // A one-second busy timeout (the default is 30 s) so that every layer takes part within the outage:
        // the SQLite busy wait, the SQL pipeline's attempts, then the consumer's store retry.
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={database};Default Timeout=1", folder.Path);
        await using var tasks = await TaskCollector.BindAsync(virtualHost);
        await using var connection = await virtualHost.ConnectAsync();

        var elapsed = Stopwatch.StartNew();
        var health = new List<(TimeSpan At, string Status, string Store)>();
        await using (var locker = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }

            var locked = Stopwatch.StartNew();
            var half = stream.Count / 2;
            await EventBatch.PublishAsync(connection, stream.Events.Take(half));
            var secondHalf = false;
            while (locked.Elapsed < Outage)
            {
                if (!secondHalf && locked.Elapsed > Outage / 2)
                {
                    await EventBatch.PublishAsync(connection, stream.Events.Skip(half));
                    secondHalf = true;
                }

                if (await worker.ReadyAsync() is { } ready)
                {
                    health.Add((locked.Elapsed, ready.Status, $"{ready.CheckStatus("store")}: {ready.CheckDescription("store")}"));
                }

                await Task.Delay(1000);
            }

            Assert.Equal(0, await audit.AssessmentCountAsync());
            Assert.Equal(0u, await virtualHost.MessageCountAsync(Core.Consumers.Topology.ErrorQueue));
        }

        var released = elapsed.Elapsed;
        await DeliveryCheck.WaitForAllAsync(audit, stream.Count, TimeSpan.FromMinutes(2), () => worker.LogTail());
        var drained = elapsed.Elapsed - released;
        var after = await worker.WaitUntilAsync(r => r.CheckStatus("store") == "Healthy", TimeSpan.FromSeconds(30));
        var degraded = health.FirstOrDefault(h => h.Store.StartsWith("Degraded", StringComparison.Ordinal));
        var report = await DeliveryCheck.CompareAsync(
            "store locked 30 s", stream, audit, tasks, virtualHost, elapsed,
            $"store Degraded from {degraded.At.TotalSeconds:F0} s into the outage ('{degraded.Store}'); backlog drained {drained.TotalSeconds:F1} s after the lock was released; ready afterwards: {after.Status}");
        report.Publish(output);
        foreach (var (at, status, store) in health)
        {
            output.WriteLine($"  {at.TotalSeconds,5:F1} s: {status}; store {store}");
        }

        Assert.True(report.NothingLostNothingDuplicated, report.ToString());
        Assert.True(degraded.Store is not null, "the store check should say Degraded while writes are retried: " + string.Join(" | ", health.Select(h => h.Store)));
        Assert.Contains("locked", degraded.Store, StringComparison.OrdinalIgnoreCase);
        Assert.All(health, h => Assert.NotEqual("Unhealthy", h.Status));
        Assert.DoesNotContain("retrying will not help", worker.LogTail(int.MaxValue), StringComparison.Ordinal);
        folder.Keep = false;
    }
}

using System.Diagnostics;
using System.Globalization;
using Aims.Risk.IntegrationTests.Broker;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// Two replicas of the worker, separate processes on one queue and one SQLite file, one of them killed with
/// SIGKILL three times while events flow and started again. At-least-once delivery and the idempotent register
/// must add up to: every event assessed exactly once, every task on the exchange at least once.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class WorkerCrashTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    /// <summary>Events sent: 2,000 by default (under a minute); tests/crash-test.sh sets 10,000.</summary>
    public const string EventsVariable = "AIMS_RISK_CRASH_EVENTS";

    private const int Kills = 3;

    [Fact]
    public async Task Replica_killed_three_times_mid_stream_loses_nothing_and_duplicates_nothing()
    {
        var count = Environment.GetEnvironmentVariable(EventsVariable) is { Length: > 0 } configured
            ? int.Parse(configured, CultureInfo.InvariantCulture)
            : 2_000;
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("crash");
        var database = folder.File("register.db");
        var stream = EventBatch.Create(count);
        var audit = new RegisterAudit(database);

        // One after the other: the first applies the schema, the second finds it applied.
        await using var a = await WorkerProcess.StartAsync("replica-a", broker, virtualHost, $"Data Source={database}", folder.Path);
        await using var b = await WorkerProcess.StartAsync("replica-b", broker, virtualHost, $"Data Source={database}", folder.Path);
        await using var tasks = await TaskCollector.BindAsync(virtualHost);
        WorkerProcess[] replicas = [a, b];

        // Kill points: random moments in the first three quarters of the stream. A killed replica restarts in the
        // background (a few seconds), so the next kill picks among the replicas that are up.
        var points = Enumerable.Range(0, Kills).Select(i => (int)(count * (0.05 + (0.25 * i) + (random.NextDouble() * 0.15)))).ToList();
        var elapsed = Stopwatch.StartNew();
        await using var connection = await virtualHost.ConnectAsync();
        var publishing = EventBatch.PublishAsync(connection, stream.Events);

        var kills = new List<(string Replica, long At)>();
        var restarts = replicas.ToDictionary(r => r, _ => Task.CompletedTask);
        foreach (var point in points)
        {
            while (await audit.AssessmentCountAsync() < point)
            {
                await Task.Delay(random.Next(5, 60));
            }

            var up = replicas.Where(r => restarts[r].IsCompleted).ToList();
            if (up.Count == 0)
            {
                await Task.WhenAny(restarts.Values);
                up = [.. replicas.Where(r => restarts[r].IsCompleted)];
            }

            var victim = up[random.Next(up.Count)];
            var at = await audit.AssessmentCountAsync();
            victim.Kill();
            kills.Add((victim.Name, at));
            restarts[victim] = victim.StartAsync();
        }

        await Task.WhenAll(restarts.Values);
        await publishing;
        await DeliveryCheck.WaitForAllAsync(audit, count, TimeSpan.FromMinutes(2), () => $"logs in {folder.Path}");
        var report = await DeliveryCheck.CompareAsync(
            "crash: 2 replicas, kill -9 x3", stream, audit, tasks, virtualHost, elapsed,
            $"seed {seed}; killed {string.Join(", ", kills.Select(k => $"{k.Replica} at {k.At}"))}; virtual host {virtualHost.Name}");
        report.Publish(output);

        Assert.True(virtualHost.IsPrivate || report.Sent == report.Assessed, "on the shared virtual host another worker may have taken events");
        Assert.True(kills.Count == Kills && kills.All(k => k.At < count), $"every kill must land mid-stream: {report.Notes}");
        Assert.True(report.NothingLostNothingDuplicated, report.ToString());
        folder.Keep = false;
    }
}

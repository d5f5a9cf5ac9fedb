using System.Diagnostics;
using Aims.Risk.IntegrationTests.Broker;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// The broker stopped and started again while the worker is busy: the worker reconnects by itself and every
/// event, persistent in a durable quorum queue, is assessed once with its tasks published. The broker is this
/// machine's, shared with the other tests: the restart is short and always ends with the broker up.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class BrokerRestartTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(5);

    [LocalBrokerFact]
    public async Task Broker_restarted_mid_stream_the_worker_reconnects_by_itself_and_nothing_is_lost()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("broker-restart");
        var database = folder.File("register.db");
        var stream = EventBatch.Create(1_500);
        var before = stream.Events.Take(1_000).ToList();
        var audit = new RegisterAudit(database);
        await using var worker = await WorkerProcess.StartAsync(
            "worker", broker, virtualHost, $"Data Source={database}", folder.Path,
            new Dictionary<string, string>
            {
                ["Logging__LogLevel__MassTransit.ReceiveTransport"] = "Warning", // retries and their causes, in the log kept on failure
                ["Worker__PublishTimeout"] = "00:00:10",
                ["Worker__PublishStallLimit"] = "00:00:30",
            });
        await using var tasks = await TaskCollector.BindAsync(virtualHost);

        var elapsed = Stopwatch.StartNew();
        await using (var connection = await virtualHost.ConnectAsync())
        {
            await EventBatch.PublishAsync(connection, before);
        }

        while (await audit.AssessmentCountAsync() < 100)
        {
            await Task.Delay(20);
        }

        var atStop = await audit.AssessmentCountAsync();
        await LocalBroker.RestartAsync(broker, Downtime);
        var restarted = Stopwatch.StartNew();
        var atStart = await audit.AssessmentCountAsync();
        var ready = await worker.WaitUntilAsync(r => r.Status == "Healthy", TimeSpan.FromMinutes(2));
        var reconnected = restarted.Elapsed;
        await using (var connection = await virtualHost.ConnectAsync())
        {
            await EventBatch.PublishAsync(connection, stream.Events.Skip(before.Count));
        }

        // A supervisor's part: when RabbitMQ.Client wedges the connection (see PublishWatchdog) the worker stops, naming
        // it, and is started again; any other exit fails the test.
        using var supervising = new CancellationTokenSource();
        var restarts = 0;
        var supervisor = Task.Run(async () =>
        {
            while (!supervising.IsCancellationRequested)
            {
                await Task.Delay(500, supervising.Token);
                if (!worker.IsRunning)
                {
                    Assert.True(await worker.LogContainsAsync("publishing to the broker is stuck", TimeSpan.FromSeconds(10)), worker.LogTail());
                    restarts++;
                    await worker.StartAsync(TimeSpan.FromMinutes(2));
                }
            }
        });
        try
        {
            await DeliveryCheck.WaitForAllAsync(audit, stream.Count, TimeSpan.FromMinutes(3), () => worker.LogTail());
        }
        finally
        {
            await supervising.CancelAsync();
            await supervisor.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Assert.False(supervisor.IsFaulted, supervisor.Exception?.ToString());
        var report = await DeliveryCheck.CompareAsync(
            "broker restart", stream, audit, tasks, virtualHost, elapsed,
            $"stop_app at {atStop} assessed, {Downtime.TotalSeconds:F0} s down, {atStart} assessed when it was back; worker Healthy again {reconnected.TotalSeconds:F1} s after start_app; {before.Count} events published before, {stream.Count - before.Count} after; restarted for a stuck publisher {restarts} times");
        report.Publish(output);

        Assert.Equal(1 + restarts, worker.Starts);
        Assert.True(atStop < before.Count, "the restart must land while events are being worked off");
        Assert.True(report.NothingLostNothingDuplicated, report.ToString());
        folder.Keep = false;
    }
}

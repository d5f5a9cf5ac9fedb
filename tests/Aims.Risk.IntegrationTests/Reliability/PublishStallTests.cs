using System.Diagnostics;
using Aims.Risk.IntegrationTests.Broker;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// Publishing stuck while the bus believes it is connected (as a wedged client connection leaves it): the worker stops
/// by itself with one line naming the cause, and once started again works off every event, nothing lost. The broker's
/// process is stopped (SIGSTOP) to make publishes time out on a connection the bus still reports healthy.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class PublishStallTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    [LocalBrokerFact]
    public async Task A_worker_whose_publishes_stay_stuck_exits_naming_it_and_after_a_restart_loses_nothing()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("publish-stall");
        var database = folder.File("register.db");
        var stream = EventBatch.Create(2_000); // enough that publishes are in flight when the broker stops, even on a fast machine
        var audit = new RegisterAudit(database);
        await using var worker = await WorkerProcess.StartAsync(
            "worker", broker, virtualHost, $"Data Source={database}", folder.Path,
            new Dictionary<string, string> { ["Worker__PublishTimeout"] = "00:00:03", ["Worker__PublishStallLimit"] = "00:00:12" });
        await using var tasks = await TaskCollector.BindAsync(virtualHost);
        var elapsed = Stopwatch.StartNew();
        await using (var connection = await virtualHost.ConnectAsync())
        {
            await EventBatch.PublishAsync(connection, stream.Events);
        }

        while (await audit.AssessmentCountAsync() < 20)
        {
            await Task.Delay(20);
        }

        var brokerProcess = (await LocalBroker.CtlAsync("-q", "eval", "os:getpid().")).Trim().Trim('"');
        Signal("STOP", brokerProcess);
        var exited = false;
        try
        {
            var until = Stopwatch.StartNew();
            while (worker.IsRunning && until.Elapsed < TimeSpan.FromSeconds(120))
            {
                await Task.Delay(250);
            }

            exited = !worker.IsRunning;
        }
        finally
        {
            Signal("CONT", brokerProcess);
        }

        Assert.True(exited, $"the worker did not stop within 120 s of its publishes getting stuck; {worker.LogTail()}");
        Assert.True(await worker.LogContainsAsync("aims-risk worker stopped: PublishWatchdog failed: publishing to the broker is stuck", TimeSpan.FromSeconds(10)), worker.LogTail());

        await LocalBroker.EnsureUpAsync(broker);
        await worker.StartAsync(TimeSpan.FromMinutes(2));
        await DeliveryCheck.WaitForAllAsync(audit, stream.Count, TimeSpan.FromMinutes(2), () => worker.LogTail());
        var report = await DeliveryCheck.CompareAsync("publish stall", stream, audit, tasks, virtualHost, elapsed, "broker process stopped until the worker exited, then the worker started again");
        report.Publish(output);

        Assert.Equal(2, worker.Starts);
        Assert.True(report.NothingLostNothingDuplicated, report.ToString());
        folder.Keep = false;
    }

    private static void Signal(string signal, string pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}

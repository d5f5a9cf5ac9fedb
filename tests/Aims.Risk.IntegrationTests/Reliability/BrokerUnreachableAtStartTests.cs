using System.Diagnostics;
using System.Globalization;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// A worker started while no broker answers where it looks, as an orchestrator meets it: it is live, not ready with the
/// reason, and waits (retrying) instead of stopping; once a broker answers there it starts and works; asked to stop
/// meanwhile it stops with one line. The broker appears by a forwarder opening on the port the worker was given, which
/// nothing listened on before. Before, the HTTP server started only after the bus: nothing answered on the health port.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class BrokerUnreachableAtStartTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan ProcessStart = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task While_no_broker_answers_the_worker_is_live_and_says_why_it_is_not_ready_and_it_starts_once_one_does()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("no-broker");
        var database = folder.File("register.db");
        var port = WorkerProcess.FreePort();
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={database}", folder.Path,
            new Dictionary<string, string> { ["RabbitMq__Host"] = "127.0.0.1", ["RabbitMq__Port"] = port.ToString(CultureInfo.InvariantCulture) },
            untilReady: false);

        var launched = Stopwatch.StartNew();
        await WaitUntilLiveAsync(worker);
        output.WriteLine($"/health/live answered {launched.Elapsed.TotalSeconds:F1} s after the process started");
        var waiting = await worker.WaitUntilAsync(r => r.StatusCode == 503 && r.CheckDescription("broker").Contains("unreachable", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        output.WriteLine(waiting.Body);

        Assert.Equal("Unhealthy", waiting.CheckStatus("broker"));
        Assert.Equal($"broker unreachable at {broker.Username}@127.0.0.1:{port}/{virtualHost.Name.TrimStart('/')}: Connection refused; retrying", waiting.CheckDescription("broker"));
        Assert.Equal(("Healthy", "Healthy"), (waiting.CheckStatus("store"), waiting.CheckStatus("rules")));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(worker.IsRunning, $"the worker stopped instead of waiting for the broker: {worker.LogTail()}");
        Assert.Equal(503, (await worker.ReadyAsync())?.StatusCode);

        // A broker appears on the port.
        var appeared = Stopwatch.StartNew();
        await using (TcpForwarder.Start(port, broker.Host, broker.Port))
        {
            var ready = await worker.WaitUntilAsync(r => r.Status == "Healthy", TimeSpan.FromSeconds(90));
            output.WriteLine($"ready {appeared.Elapsed.TotalSeconds:F1} s after the broker appeared on the port: {ready.Body}");
            await using var connection = await virtualHost.ConnectAsync();
            await using (var channel = await connection.CreateChannelAsync())
            {
                // Declared by the worker before its bus started; a passive declaration fails when it is missing.
                await channel.ExchangeDeclarePassiveAsync(Topology.TasksExchange);
                await channel.ExchangeDeclarePassiveAsync(Topology.RiskEventsExchange);
            }

            var events = EventBatch.Create(3);
            await EventBatch.PublishAsync(connection, events.Events);
            await DeliveryCheck.WaitForAllAsync(new RegisterAudit(database), events.Count, TimeSpan.FromSeconds(30), () => worker.LogTail());
        }

        // Nothing tried to publish before the bus had started.
        var log = worker.LogTail(int.MaxValue);
        Assert.DoesNotContain("Publishing the outbox failed", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Re-assessment dispatch failed", log, StringComparison.Ordinal);
        folder.Keep = false;
    }

    [Fact]
    public async Task A_worker_asked_to_stop_while_it_waits_for_the_broker_exits_0_with_one_line()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("no-broker-stop");
        var port = WorkerProcess.FreePort();
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={folder.File("register.db")}", folder.Path,
            new Dictionary<string, string> { ["RabbitMq__Host"] = "127.0.0.1", ["RabbitMq__Port"] = port.ToString(CultureInfo.InvariantCulture) },
            untilReady: false);
        await WaitUntilLiveAsync(worker);
        await worker.WaitUntilAsync(r => r.CheckDescription("broker").Contains("unreachable", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var exitCode = await worker.TerminateAsync(TimeSpan.FromSeconds(60));
        var lines = worker.LogTail().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("--- ", StringComparison.Ordinal)).ToList();
        output.WriteLine($"exit {exitCode}, last: {lines[^1]}");

        Assert.Equal(0, exitCode);
        Assert.Equal("aims-risk worker stopped: asked to stop (SIGTERM or Ctrl+C) while it was starting", lines[^1]);
        folder.Keep = false;
    }

    private static async Task WaitUntilLiveAsync(WorkerProcess worker)
    {
        var until = Stopwatch.StartNew();
        while (await worker.LiveAsync() != 200)
        {
            Assert.True(worker.IsRunning, $"the worker exited instead of waiting for the broker: {worker.LogTail()}");
            Assert.True(until.Elapsed < ProcessStart, $"/health/live did not answer within {ProcessStart} while the broker was unreachable: {worker.LogTail()}");
            await Task.Delay(250);
        }
    }
}

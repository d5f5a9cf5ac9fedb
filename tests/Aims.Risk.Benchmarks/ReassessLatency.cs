using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Reassessment;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Issue 13: the latency of new events while the register is re-assessed in the background must stay within twice its
/// figure without it. The real worker (a separate process, Release, shipped settings) on a SQLite register of N systems
/// (default 100,000; each with its latest assessment and risks, recorded through the service's own evaluator and
/// register, built once and cached), on the local broker:
/// <list type="number">
/// <item>warm-up: new events at the given rate for a few seconds, not counted;</item>
/// <item>without re-assessment: new events at the rate for the given seconds; each one's latency runs from its publish
/// to the arrival of its first treatment task (every event is of a system not seen before, so each opens risks);</item>
/// <item>with re-assessment: an on-demand run of every system is requested in the register (what
/// <c>aims-risk reassess</c> does); once the worker has claimed it, the same measurement, while the worker enqueues and
/// re-assesses. The run's progress before and after the window shows that it ran throughout.</item>
/// <item>once every message of the run is sent, or after 30 s if the worker's paced enqueue is still sending: the same
/// measurement again, while the worker re-assesses (and perhaps still enqueues).</item>
/// </list>
/// The publisher talks to loopback only and is bounded in count and time.
/// </summary>
public static class ReassessLatency
{
    private const string Host = "127.0.0.1";
    private const double TargetRatio = 2;
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan EnqueueWait = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string worker, string vhost, int systems, double rate, int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, 120);
        var ruleSet = Workload.Pack;
        var cached = await PrefilledAsync(ruleSet, systems);
        var work = Directory.CreateTempSubdirectory("aims-risk-reassess-").FullName;
        var database = Path.Combine(work, "register.db");
        File.Copy(cached, database);
        var factory = new ConnectionFactory { HostName = Host, Port = 5672, VirtualHost = vhost, UserName = "guest", Password = "guest" };
        await using var connection = await factory.CreateConnectionAsync("aims-risk-bench-reassess");
        var process = WorkerProcess.Start(worker, work, database, vhost, "worker.log");
        try
        {
            await EndToEnd.WaitForConsumerAsync(connection, Topology.InputQueue, process);
            // What an interrupted run may have left in this virtual host.
            await EndToEnd.PurgeAsync(connection, Topology.ReassessmentQueue);
            await EndToEnd.PurgeAsync(connection, Topology.InputQueue);
            var count = (int)(rate * seconds);
            var bodies = Bodies(4 * count, seed: 13);

            Console.WriteLine(F($"reassess-latency: warm-up, {count / 3} events at {rate:0} ev/s"));
            _ = await LatencyAsync(connection, bodies.Take(count / 3).ToList(), rate, process);

            Console.WriteLine(F($"reassess-latency: without re-assessment, {count} events at {rate:0} ev/s"));
            var quiet = await LatencyAsync(connection, bodies.Skip(count).Take(count).ToList(), rate, process);
            Console.WriteLine(F($"reassess-latency: without re-assessment p50={quiet.P50:0.0}ms p99={quiet.P99:0.0}ms ({quiet.Measured} of {count} events with tasks)"));

            var register = new SqliteRiskRegister($"Data Source={database}", SqlResilience.CreatePipeline());
            var runId = Guid.NewGuid();
            _ = await register.RequestReassessmentAsync(
                new ReassessmentRun(runId, ReassessmentIds.DemandKey(runId), ReassessmentRun.OnDemand, null, null, null, DateTimeOffset.UtcNow), CancellationToken.None);
            var claimed = Stopwatch.StartNew();
            while ((await RunAsync(register, runId)).ClaimedAt is null)
            {
                if (claimed.Elapsed > PhaseLimit || process.HasExited)
                {
                    throw new TimeoutException($"the worker did not claim re-assessment run {runId} within {claimed.Elapsed} (exited: {process.HasExited})");
                }

                await Task.Delay(200);
            }

            Console.WriteLine(F($"reassess-latency: re-assessment run {runId} of every system claimed after {claimed.Elapsed.TotalSeconds:0.0} s"));
            var before = await RunAsync(register, runId);
            var started = Stopwatch.GetTimestamp();
            var busy = await LatencyAsync(connection, bodies.Skip(2 * count).Take(count).ToList(), rate, process);
            var window = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var after = await RunAsync(register, runId);
            var done = after.Done - before.Done;
            Console.WriteLine(F($"reassess-latency: with re-assessment p50={busy.P50:0.0}ms p99={busy.P99:0.0}ms ({busy.Measured} of {count} events with tasks); the run re-assessed {done} systems in the {window:0} s window ({done / window:0}/s), {after.Done} of {after.Systems?.ToString(CultureInfo.InvariantCulture) ?? "(still enqueuing)"} at its end{(after.FinishedAt is null ? ", not finished" : ", FINISHED within the window")}"));

            // The run has two parts: the claiming replica reads the systems and sends their messages; then every replica
            // re-assesses them. The window above starts with the first; once every message is sent, the same again. At the
            // worker's enqueue pace (Reassessment:EnqueueRate) 100,000 messages take longer than a phase may: then the
            // second window is taken after EnqueueWait, while both parts run.
            var enqueued = Stopwatch.StartNew();
            while ((await RunAsync(register, runId)).EnqueuedAt is null && enqueued.Elapsed < EnqueueWait && !process.HasExited)
            {
                await Task.Delay(500);
            }

            var sending = await RunAsync(register, runId);
            var processing = (P50: double.NaN, P99: double.NaN, Measured: 0);
            Console.WriteLine(F($"reassess-latency: second window {(sending.EnqueuedAt is null ? "while the run is still enqueued" : "with every message sent")}, {sending.Done} systems done"));
            if (sending.FinishedAt is null)
            {
                started = Stopwatch.GetTimestamp();
                processing = await LatencyAsync(connection, bodies.Skip(3 * count).Take(count).ToList(), rate, process);
                window = Stopwatch.GetElapsedTime(started).TotalSeconds;
                after = await RunAsync(register, runId);
                done = after.Done - sending.Done;
                Console.WriteLine(F($"reassess-latency: second window: p50={processing.P50:0.0}ms p99={processing.P99:0.0}ms ({processing.Measured} of {count} events with tasks); the run re-assessed {done} systems in the {window:0} s window ({done / window:0}/s), {after.Done} of {after.Systems} at its end{(after.FinishedAt is null ? ", not finished" : ", FINISHED within the window")}"));
            }

            var errors = await EndToEnd.MessageCountAsync(connection, Topology.ErrorQueue);
            var peak = process.PeakRssMegabytes();
            var worst = double.IsNaN(processing.P99) ? busy.P99 : Math.Max(busy.P99, processing.P99);
            var ratio = worst / quiet.P99;
            Console.WriteLine(F($"reassess-latency: ratio={ratio:0.00} target<={TargetRatio} (p99 {busy.P99:0.0} ms in the first window, {processing.P99:0.0} ms in the second, {quiet.P99:0.0} ms without it; {systems:#,0} systems; {rate:0} new events/s for {seconds} s each; worker peak RSS {peak:0} MB; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})"));
            if (errors != 0 || after.FinishedAt is not null || done == 0)
            {
                Console.WriteLine($"reassess-latency: WARNING: {errors} messages in {Topology.ErrorQueue}; the window {(done == 0 ? "saw no re-assessment" : after.FinishedAt is not null ? "outlasted the run" : "is valid")}; see {work}");
                return 1;
            }

            await process.StopAsync();
            await EndToEnd.PurgeAsync(connection, Topology.ReassessmentQueue);
            SqliteConnection.ClearAllPools();
            if (ratio > TargetRatio)
            {
                File.Delete(database);
                Console.WriteLine($"reassess-latency: the worker's log is in {work}");
                return 1;
            }

            Directory.Delete(work, recursive: true);
            return 0;
        }
        finally
        {
            await process.StopAsync();
        }
    }

    private static async Task<ReassessmentRun> RunAsync(SqliteRiskRegister register, Guid runId) =>
        (await register.ReadReassessmentsAsync(unfinishedOnly: false, limit: 100, CancellationToken.None)).Single(r => r.RunId == runId);

    /// <summary>Events of systems never seen before, so that every one opens risks and requests treatment.</summary>
    private static List<byte[]> Bodies(int count, int seed)
    {
        var generator = new RandomEvents(seed, Workload.Pack);
        var now = DateTimeOffset.UtcNow;
        var bodies = new List<byte[]>(count);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        while (bodies.Count < count)
        {
            var change = generator.Next();
            change = change with
            {
                EventId = Guid.NewGuid(),
                OccurredAt = now,
                System = change.System with { Id = F($"latency-{prefix}-{bodies.Count:D6}"), Name = change.System.Name ?? "Unnamed system" },
            };
            var body = JsonSerializer.SerializeToUtf8Bytes(change, ContractJson.Options);
            try
            {
                var read = AiSystemChangedReader.Read(body, TimeProvider.System);
                if (!new RiskEvaluator(TimeProvider.System).Evaluate(read, Workload.Pack).Findings.Any(f => f.TaskId is not null))
                {
                    continue;
                }
            }
            catch (InvalidEventException)
            {
                continue;
            }

            bodies.Add(body);
        }

        return bodies;
    }

    /// <summary>Publishes at the rate, paced; the latency of each event is the time to its first treatment task.</summary>
    private static async Task<(double P50, double P99, int Measured)> LatencyAsync(IConnection connection, List<byte[]> bodies, double rate, WorkerProcess process)
    {
        var published = new ConcurrentDictionary<Guid, long>();
        var latencies = new ConcurrentDictionary<Guid, double>();
        await using var tasks = await connection.CreateChannelAsync();
        await tasks.ExchangeDeclareAsync(Topology.TasksExchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = (await tasks.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await tasks.QueueBindAsync(queue, Topology.TasksExchange, "#");
        var consumer = new AsyncEventingBasicConsumer(tasks);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var arrived = Stopwatch.GetTimestamp();
            using var document = JsonDocument.Parse(delivery.Body);
            var eventId = document.RootElement.GetProperty("eventId").GetGuid();
            if (published.TryGetValue(eventId, out var sent))
            {
                latencies.TryAdd(eventId, Stopwatch.GetElapsedTime(sent, arrived).TotalMilliseconds);
            }

            return Task.CompletedTask;
        };
        await tasks.BasicConsumeAsync(queue, autoAck: true, consumer);

        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var pending = new List<Task>(bodies.Count);
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < bodies.Count; i++)
            {
                var due = start + (long)(i / rate * Stopwatch.Frequency);
                while (Stopwatch.GetTimestamp() < due)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0.5, (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency)));
                }

                var eventId = JsonDocument.Parse(bodies[i]).RootElement.GetProperty("eventId").GetGuid();
                published[eventId] = Stopwatch.GetTimestamp();
                var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
                pending.Add(channel.BasicPublishAsync("", Topology.InputQueue, mandatory: false, properties, bodies[i]).AsTask());
                if (Stopwatch.GetElapsedTime(start) > PhaseLimit)
                {
                    throw new TimeoutException($"publishing at {rate} ev/s took longer than {PhaseLimit}");
                }
            }

            await Task.WhenAll(pending);
        }

        // Every event opens risks: wait for each one's first task (bounded), so a slow tail is measured, not cut off.
        var limit = Stopwatch.StartNew();
        while (latencies.Count < bodies.Count && limit.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            await Task.Delay(100);
        }

        var sorted = latencies.Values.Order().ToArray();
        return sorted.Length == 0 ? (double.NaN, double.NaN, 0) : (EndToEnd.Percentile(sorted, 0.50), EndToEnd.Percentile(sorted, 0.99), sorted.Length);
    }

    /// <summary>
    /// A register of N systems as the worker leaves it: each system's event evaluated by the service's evaluator and
    /// recorded through <see cref="SqliteRiskRegister.RecordAsync"/> (its findings open risks), the pack archived as the
    /// active rule set. Built once per size and rule set, and cached in the temporary folder.
    /// </summary>
    private static async Task<string> PrefilledAsync(Core.Rules.RuleSet ruleSet, int systems)
    {
        var directory = Path.Combine(Path.GetTempPath(), "aims-risk-bench");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, F($"reassess-{systems}-{ruleSet.Hash[..8]}.db"));
        if (File.Exists(path))
        {
            return path;
        }

        var started = Stopwatch.GetTimestamp();
        var building = path + ".building";
        File.Delete(building);
        var register = new SqliteRiskRegister($"Data Source={building}", SqlResilience.CreatePipeline());
        await register.MigrateAsync(CancellationToken.None);
        await register.ArchiveRuleSetAsync(new RuleSetArchive(ruleSet.Version, ruleSet.Hash, ruleSet.Content, DateTimeOffset.UtcNow.AddDays(-1)), CancellationToken.None);
        var generator = new RandomEvents(42, ruleSet);
        var changes = new List<AiSystemChanged>(systems);
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        while (changes.Count < systems)
        {
            var change = generator.Next();
            change = change with
            {
                EventId = Guid.NewGuid(),
                OccurredAt = now,
                System = change.System with { Id = F($"system-{changes.Count:D6}"), Name = change.System.Name ?? "Unnamed system" },
            };
            try
            {
                changes.Add(AiSystemChangedReader.Read(JsonSerializer.SerializeToUtf8Bytes(change, ContractJson.Options), TimeProvider.System));
            }
            catch (InvalidEventException)
            {
                // The register only ever holds events the reader admits.
            }
        }

        var evaluator = new RiskEvaluator(TimeProvider.System);
        await Parallel.ForEachAsync(changes, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (change, token) =>
            _ = await register.RecordAsync(RegisterMapping.ToRecord(evaluator.Evaluate(change, ruleSet)), token));
        // The register keeps its writer's connection open: the log is copied into the file until it is empty, so the
        // file alone (what is cached and copied) holds every record.
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={building};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            for (var attempt = 0; ; attempt++)
            {
                using var result = checkpoint.ExecuteReader();
                if (result.Read() && result.GetInt64(0) == 0 && result.GetInt64(1) <= 0)
                {
                    break;
                }

                if (attempt == 300)
                {
                    throw new InvalidOperationException($"the write-ahead log of {building} could not be emptied");
                }

                Thread.Sleep(200);
            }
        }

        SqliteConnection.ClearAllPools();
        File.Move(building, path);
        File.Delete(building + "-wal");
        File.Delete(building + "-shm");
        Console.WriteLine(F($"reassess-latency: built {path}: {systems:#,0} systems in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s"));
        return path;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

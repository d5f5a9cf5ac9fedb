using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Events;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Target 2: the real worker (a separate process, Release build, the shipped appsettings) against a plain
/// RabbitMQ.Client consumer that parses each JSON body and acks, on the same local broker, in the same run.
/// <list type="number">
/// <item>Drain: N events are pre-loaded into the worker's stopped input queue; the worker starts and the
/// rate is taken from the 10% mark to the last assessment in its SQLite register (the first 10% pay for
/// start-up and JIT). The baseline drains the same N bodies from a queue of the same type, measured the same way.</item>
/// <item>Latency: events published at half the worker's drain rate; each one's latency runs from its publish
/// to the arrival of its first treatment task on a queue bound to the tasks exchange.</item>
/// <item>Peak RSS of the worker process (VmHWM) over both.</item>
/// </list>
/// The publisher talks to loopback only and is bounded in count and in time.
/// </summary>
public static class EndToEnd
{
    private const string Host = "127.0.0.1";
    private const int MaxEvents = 200_000;
    private const string BaselineQueue = "aims.risk.bench.baseline";
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(bool quick, string worker, string vhost, int events)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(events, MaxEvents);
        ArgumentOutOfRangeException.ThrowIfLessThan(events, 1000);
        var work = Directory.CreateTempSubdirectory("aims-risk-e2e-").FullName;
        var database = Path.Combine(work, "register.db");
        var factory = new ConnectionFactory { HostName = Host, Port = 5672, VirtualHost = vhost, UserName = "guest", Password = "guest" };
        await using var connection = await factory.CreateConnectionAsync("aims-risk-bench");
        var bodies = Bodies(events + (quick ? 20_000 : 60_000), seed: 7);
        var quorum = !string.Equals(Environment.GetEnvironmentVariable("Worker__QuorumQueue"), "false", StringComparison.OrdinalIgnoreCase);
        var prefetch = int.TryParse(Environment.GetEnvironmentVariable("Worker__PrefetchCount"), CultureInfo.InvariantCulture, out var p) ? (ushort)p : (ushort)new RiskWorkerOptions().PrefetchCount;

        // 1. The worker declares its topology once, then stops: its input queue can be pre-loaded.
        Console.WriteLine("e2e: declaring the worker's topology");
        var first = WorkerProcess.Start(worker, work, database, vhost, "worker-1.log");
        await WaitForConsumerAsync(connection, Topology.InputQueue, first);
        await first.StopAsync();
        await PurgeAsync(connection, Topology.InputQueue);
        await PurgeAsync(connection, Topology.ErrorQueue);

        // 2. Baseline: a plain consumer, parse and ack, on a queue of the same type.
        Console.WriteLine($"e2e: baseline: {events} messages, prefetch {prefetch}, {(quorum ? "quorum" : "classic")} queue");
        var baseline = await DrainScratchQueueAsync(connection, quorum, bodies.Take(events), () => PlainConsumeAsync(connection, BaselineQueue, events, prefetch));
        Console.WriteLine(F($"e2e: baseline drained at {baseline:0} msg/s"));

        // 2b. The messaging ceiling: what the contract itself asks of the broker per event (consume, one confirmed
        // publish per treatment task, ack), done by a plain RabbitMQ.Client consumer with no evaluation and no store.
        var taskBodies = TaskBodies(bodies.Take(events));
        var tasksPerEvent = taskBodies.Average(t => t.Count);
        Console.WriteLine(F($"e2e: ceiling: {events} messages, {tasksPerEvent:0.00} tasks per event on average"));
        var ceiling = await DrainScratchQueueAsync(connection, quorum, bodies.Take(events), () => CeilingConsumeAsync(connection, BaselineQueue, taskBodies, prefetch));
        Console.WriteLine(F($"e2e: ceiling drained at {ceiling:0} ev/s"));

        // 3. The worker drains the same bodies.
        await PreloadAsync(connection, Topology.InputQueue, bodies.Take(events));
        var process = WorkerProcess.Start(worker, work, database, vhost, "worker-2.log");
        Console.WriteLine($"e2e: worker: {events} events");
        var drain = await WorkerDrainAsync(database, events, process);
        Console.WriteLine(F($"e2e: worker drained at {drain:0} events/s"));

        // 4. Latency at half the worker's rate.
        var rate = Math.Max(10, drain / 2);
        var duration = quick ? 10 : 30;
        var count = (int)Math.Min(bodies.Count - events, rate * duration);
        var (p50, p99, measured) = await LatencyAsync(connection, database, events, bodies.Skip(events).Take(count).ToList(), rate, process);
        var peak = process.PeakRssMegabytes();
        var errors = await MessageCountAsync(connection, Topology.ErrorQueue);
        await process.StopAsync();

        var ratio = drain / baseline;
        Console.WriteLine(F($"end-to-end: ratio={ratio:0.00} target=0.6 (worker {drain:0} ev/s, baseline {baseline:0} msg/s; {events} events, prefetch {prefetch}, {(quorum ? "quorum" : "classic")} queues, rate from the 10% mark)"));
        Console.WriteLine(F($"end-to-end-ceiling: ratio={ceiling / baseline:0.00} (plain consumer publishing each event's {tasksPerEvent:0.00} tasks with confirms, no evaluation, no store: {ceiling:0} ev/s); worker/ceiling={drain / ceiling:0.00}"));
        Console.WriteLine(F($"latency: p50={p50:0.0}ms p99={p99:0.0}ms goal p99<=50ms at {rate:0} ev/s ({count} events over {duration}s, {measured} with tasks)"));
        Console.WriteLine(F($"rss: peak={peak:0} MB goal<=250"));
        if (errors != 0)
        {
            Console.WriteLine($"e2e: WARNING: {errors} messages in {Topology.ErrorQueue}; see {work}");
            return 1;
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(work, recursive: true);
        return 0;
    }

    /// <summary>Generated events, valid as the worker reads them (occurredAt near now, a system name).</summary>
    private static List<byte[]> Bodies(int count, int seed)
    {
        var generator = new RandomEvents(seed, Workload.Pack);
        var now = DateTimeOffset.UtcNow;
        var bodies = new List<byte[]>(count);
        while (bodies.Count < count)
        {
            var change = generator.Next();
            change = change with
            {
                EventId = Guid.NewGuid(),
                OccurredAt = now.AddMinutes(-bodies.Count % 10_000),
                System = change.System with { Name = change.System.Name ?? "Unnamed system" },
            };
            var body = JsonSerializer.SerializeToUtf8Bytes(change, ContractJson.Options);
            _ = AiSystemChangedReader.Read(body, TimeProvider.System);
            bodies.Add(body);
        }

        return bodies;
    }

    private static async Task PreloadAsync(IConnection connection, string queue, IEnumerable<byte[]> bodies)
    {
        var before = await MessageCountAsync(connection, queue);
        var deadline = Stopwatch.StartNew();
        var sent = 0;
        await using (var channel = await ConfirmingChannelAsync(connection))
        {
            // Confirmed in windows of 256, so that every message is known to be in the queue.
            var pending = new List<Task>(256);
            foreach (var body in bodies)
            {
                var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
                pending.Add(channel.BasicPublishAsync("", queue, mandatory: false, properties, body).AsTask());
                sent++;
                if (pending.Count == 256)
                {
                    await Task.WhenAll(pending);
                    pending.Clear();
                }

                if (deadline.Elapsed > PhaseLimit)
                {
                    throw new TimeoutException($"publishing {queue} took longer than {PhaseLimit}");
                }
            }

            await Task.WhenAll(pending);
        }

        while (await MessageCountAsync(connection, queue) < before + sent)
        {
            if (deadline.Elapsed > PhaseLimit)
            {
                throw new TimeoutException($"{queue} did not receive the {sent} messages published within {PhaseLimit}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<double> PlainConsumeAsync(IConnection connection, string queue, int count, ushort prefetch)
    {
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, prefetch, global: false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        long mark = 0, last = 0;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using (var document = JsonDocument.Parse(delivery.Body))
            {
                _ = document.RootElement.GetProperty("eventId").GetGuid();
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            var n = ++received;
            if (n == count / 10)
            {
                mark = Stopwatch.GetTimestamp();
            }

            if (n == count)
            {
                last = Stopwatch.GetTimestamp();
                done.TrySetResult();
            }
        };
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        await done.Task.WaitAsync(PhaseLimit);
        await channel.BasicCancelAsync(tag);
        return (count - count / 10) / Stopwatch.GetElapsedTime(mark, last).TotalSeconds;
    }

    /// <summary>
    /// A plain consumer's drain of <paramref name="bodies"/> from a scratch queue of the worker's queue type: the
    /// queue is declared empty, pre-loaded, drained by <paramref name="consume"/> (which returns its rate) and deleted.
    /// </summary>
    private static async Task<double> DrainScratchQueueAsync(IConnection connection, bool quorum, IEnumerable<byte[]> bodies, Func<Task<double>> consume)
    {
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(BaselineQueue, durable: true, exclusive: false, autoDelete: false,
                arguments: quorum ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null);
            await channel.QueuePurgeAsync(BaselineQueue);
        }

        await PreloadAsync(connection, BaselineQueue, bodies);
        var rate = await consume();
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(BaselineQueue);
        }

        return rate;
    }

    /// <summary>The treatment tasks the worker publishes for each body: routing key, message id and JSON body.</summary>
    private static List<List<(string RoutingKey, string MessageId, byte[] Body)>> TaskBodies(IEnumerable<byte[]> bodies)
    {
        var evaluator = new Core.Scoring.RiskEvaluator(TimeProvider.System);
        var result = new List<List<(string, string, byte[])>>();
        foreach (var body in bodies)
        {
            var change = AiSystemChangedReader.Read(body, TimeProvider.System);
            var record = RegisterMapping.ToRecord(evaluator.Evaluate(change, Workload.Pack));
            result.Add([.. record.Entries
                .Where(e => e.TaskId is not null)
                .Select(e => RegisterMapping.ToTask(e, change))
                .Select(t => (t.RoutingKey(), t.TaskId.ToString(), JsonSerializer.SerializeToUtf8Bytes(t, ContractJson.Options)))]);
        }

        return result;
    }

    private static async Task<double> CeilingConsumeAsync(
        IConnection connection, string queue, List<List<(string RoutingKey, string MessageId, byte[] Body)>> tasks, ushort prefetch)
    {
        var concurrency = (ushort)new RiskWorkerOptions().ConcurrentMessageLimit;
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: concurrency));
        await using var publisher = await ConfirmingChannelAsync(connection);
        await publisher.ExchangeDeclareAsync(Topology.TasksExchange, ExchangeType.Topic, durable: true, autoDelete: false);
        await channel.BasicQosAsync(0, prefetch, global: false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = tasks.Count;
        var received = 0;
        long mark = 0;
        long last = 0;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using (var document = JsonDocument.Parse(delivery.Body))
            {
                _ = document.RootElement.GetProperty("eventId").GetGuid();
            }

            // Which pre-built task list is this one: bodies are delivered in the order they were published.
            foreach (var (routingKey, messageId, body) in tasks[(int)(delivery.DeliveryTag - 1) % count])
            {
                var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent, MessageId = messageId };
                await publisher.BasicPublishAsync(Topology.TasksExchange, routingKey, mandatory: false, properties, body);
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            var n = Interlocked.Increment(ref received);
            if (n == count / 10)
            {
                Interlocked.Exchange(ref mark, Stopwatch.GetTimestamp());
            }

            if (n == count)
            {
                Interlocked.Exchange(ref last, Stopwatch.GetTimestamp());
                done.TrySetResult();
            }
        };
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        await done.Task.WaitAsync(PhaseLimit);
        await channel.BasicCancelAsync(tag);
        return (count - count / 10) / Stopwatch.GetElapsedTime(Interlocked.Read(ref mark), Interlocked.Read(ref last)).TotalSeconds;
    }

    private static async Task<double> WorkerDrainAsync(string database, int count, WorkerProcess process)
    {
        var limit = Stopwatch.StartNew();
        long mark = 0;
        long segmentStart = 0;
        long segmentCount = 0;
        var segments = new List<string>();
        while (true)
        {
            var n = await CountAsync(database);
            var now = Stopwatch.GetTimestamp();
            if (mark == 0 && n >= count / 10)
            {
                mark = now;
                (segmentStart, segmentCount) = (now, n);
            }

            // The rate of each tenth after the first, to show whether the worker has reached a steady state.
            if (mark != 0 && (n - segmentCount >= count / 10 || n >= count))
            {
                segments.Add(F($"{(n - segmentCount) / Stopwatch.GetElapsedTime(segmentStart, now).TotalSeconds:0}"));
                (segmentStart, segmentCount) = (now, n);
            }

            if (n >= count)
            {
                Console.WriteLine($"e2e: worker rate per tenth after the first (ev/s): {string.Join(' ', segments)}");
            }

            if (n >= count)
            {
                return (count - count / 10) / Stopwatch.GetElapsedTime(mark, now).TotalSeconds;
            }

            if (limit.Elapsed > PhaseLimit || process.HasExited)
            {
                throw new TimeoutException($"the worker recorded {n} of {count} events within {limit.Elapsed} (exited: {process.HasExited})");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<(double P50, double P99, int Measured)> LatencyAsync(
        IConnection connection, string database, int recordedBefore, List<byte[]> bodies, double rate, WorkerProcess process)
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

        Console.WriteLine(F($"e2e: latency: {bodies.Count} events at {rate:0} ev/s"));
        await using (var channel = await ConfirmingChannelAsync(connection))
        {
            var pending = new List<Task>(bodies.Count);
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < bodies.Count; i++)
            {
                // Paced: event i leaves at start + i/rate (never in a burst to catch up more than 1 ms of lag).
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

        var limit = Stopwatch.StartNew();
        while (await CountAsync(database) < recordedBefore + bodies.Count && limit.Elapsed < PhaseLimit && !process.HasExited)
        {
            await Task.Delay(50);
        }

        await Task.Delay(1000);
        var sorted = latencies.Values.Order().ToArray();
        return sorted.Length == 0
            ? (double.NaN, double.NaN, 0)
            : (Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length);
    }

    private static async Task<IChannel> ConfirmingChannelAsync(IConnection connection) =>
        await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

    internal static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<long> CountAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Assessments;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    internal static async Task WaitForConsumerAsync(IConnection connection, string queue, WorkerProcess process)
    {
        var limit = Stopwatch.StartNew();
        while (await ConsumerCountAsync(connection, queue) < 1)
        {
            if (limit.Elapsed > TimeSpan.FromMinutes(2) || process.HasExited)
            {
                throw new TimeoutException($"the worker did not start consuming {queue} (exited: {process.HasExited}); see its log");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<uint> ConsumerCountAsync(IConnection connection, string queue)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
        }
        catch (OperationInterruptedException)
        {
            return 0;
        }
    }

    internal static async Task<uint> MessageCountAsync(IConnection connection, string queue)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return 0;
        }
    }

    internal static async Task PurgeAsync(IConnection connection, string queue)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueuePurgeAsync(queue);
        }
        catch (OperationInterruptedException)
        {
            // No such queue: nothing to purge.
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

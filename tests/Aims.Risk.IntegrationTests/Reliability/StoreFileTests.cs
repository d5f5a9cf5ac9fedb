using System.Diagnostics;
using System.Globalization;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// The SQLite file deleted or made read-only under a running worker while events flow. SQLite keeps writing into the
/// files it opened, so before the fix the worker went on acknowledging events into a deleted file (lost at the next start)
/// or into a file the operator had made read-only, with health Healthy. Now: the store check turns Unhealthy naming the
/// problem and the path, nothing more is acknowledged (the events wait in the queue, none goes to the error queue), and
/// once the register is back every event is assessed exactly once.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class StoreFileTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    private const int Events = 600;
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Register_file_deleted_under_a_running_worker_stops_acknowledging_and_the_rescued_copy_loses_nothing()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("file-deleted");
        var database = folder.File("register.db");
        var stream = EventBatch.Create(Events);
        var audit = new RegisterAudit(database);
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={database}", folder.Path);
        await using var tasks = await TaskCollector.BindAsync(virtualHost);
        await using var connection = await virtualHost.ConnectAsync();
        var elapsed = Stopwatch.StartNew();

        await EventBatch.PublishAsync(connection, stream.Events.Take(Events / 2));
        await WaitForAssessedAsync(audit, 50, worker);
        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }

        var deletedAt = elapsed.Elapsed;
        await EventBatch.PublishAsync(connection, stream.Events.Skip(Events / 2));
        var unhealthy = await worker.WaitUntilAsync(r => r.CheckStatus("store") == "Unhealthy", TimeSpan.FromSeconds(30));
        var noticedAfter = elapsed.Elapsed - deletedAt;
        var store = unhealthy.CheckDescription("store");
        Assert.Contains($"the database file {database} was deleted or moved away", store, StringComparison.Ordinal);
        Assert.Equal(503, unhealthy.StatusCode);

        var held = await HeldAsync(virtualHost);
        Assert.False(File.Exists(database), "the worker must not start an empty register at the path");

        var rescued = Directory.GetFiles(folder.Path, "register.db.rescued-*").Single(f => !f.EndsWith(".partial", StringComparison.Ordinal));
        var described = await worker.WaitUntilAsync(r => r.CheckDescription("store").Contains(rescued, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        File.Move(rescued, database);
        var restoredAt = elapsed.Elapsed;

        await DeliveryCheck.WaitForAllAsync(audit, stream.Count, TimeSpan.FromMinutes(2), () => worker.LogTail());
        var drained = elapsed.Elapsed - restoredAt;
        var after = await worker.WaitUntilAsync(r => r.CheckStatus("store") == "Healthy", TimeSpan.FromSeconds(30));
        var report = await DeliveryCheck.CompareAsync(
            "SQLite file deleted (with -wal, -shm) mid-stream, rescued copy moved back", stream, audit, tasks, virtualHost, elapsed,
            string.Create(CultureInfo.InvariantCulture, $"store Unhealthy {noticedAfter.TotalSeconds:F1} s after the deletion; {held}; all assessed {drained.TotalSeconds:F1} s after the copy was moved back; ready afterwards: {after.Status}"));
        report.Publish(output);
        output.WriteLine($"store while deleted: {described.CheckDescription("store")}");

        Assert.True(report.NothingLostNothingDuplicated, report.ToString());
        Assert.True(held.NothingAcknowledged, held.ToString());
        folder.Keep = false;
    }

    [Fact]
    public async Task Register_file_made_read_only_under_a_running_worker_stops_acknowledging_until_it_is_writable_again()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("file-read-only");
        var database = folder.File("register.db");
        var stream = EventBatch.Create(Events);
        var audit = new RegisterAudit(database);
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={database}", folder.Path);
        await using var tasks = await TaskCollector.BindAsync(virtualHost);
        await using var connection = await virtualHost.ConnectAsync();
        var elapsed = Stopwatch.StartNew();

        await EventBatch.PublishAsync(connection, stream.Events.Take(Events / 2));
        await WaitForAssessedAsync(audit, 50, worker);
        // chmod a-w (the read-only attribute on Windows). A worker running as root, as here, could still write the file;
        // it honours the missing write permission all the same.
        var writable = MakeReadOnly(database);
        var readOnlyAt = elapsed.Elapsed;
        await EventBatch.PublishAsync(connection, stream.Events.Skip(Events / 2));
        var unhealthy = await worker.WaitUntilAsync(r => r.CheckStatus("store") == "Unhealthy", TimeSpan.FromSeconds(30));
        var noticedAfter = elapsed.Elapsed - readOnlyAt;
        Assert.Contains($"the database file {database} is not writable: it has ", unhealthy.CheckDescription("store"), StringComparison.Ordinal);

        var assessed = await audit.AssessmentCountAsync();
        var held = await HeldAsync(virtualHost);
        Assert.Equal(assessed, await audit.AssessmentCountAsync());

        writable();
        var writableAt = elapsed.Elapsed;
        await DeliveryCheck.WaitForAllAsync(audit, stream.Count, TimeSpan.FromMinutes(2), () => worker.LogTail());
        var drained = elapsed.Elapsed - writableAt;
        var after = await worker.WaitUntilAsync(r => r.CheckStatus("store") == "Healthy", TimeSpan.FromSeconds(30));
        var report = await DeliveryCheck.CompareAsync(
            "SQLite file made read-only (chmod a-w, worker as root) mid-stream, then writable again", stream, audit, tasks, virtualHost, elapsed,
            string.Create(CultureInfo.InvariantCulture, $"store Unhealthy {noticedAfter.TotalSeconds:F1} s after the chmod; {assessed} assessed before, none while read-only; {held}; all assessed {drained.TotalSeconds:F1} s after it was writable again; ready afterwards: {after.Status}"));
        report.Publish(output);

        Assert.True(report.NothingLostNothingDuplicated, report.ToString());
        Assert.True(held.NothingAcknowledged, held.ToString());
        folder.Keep = false;
    }

    /// <summary>Takes every write permission away from <paramref name="file"/>; returns how to give them back.</summary>
    private static Action MakeReadOnly(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(file, File.GetAttributes(file) | FileAttributes.ReadOnly);
            return () => File.SetAttributes(file, File.GetAttributes(file) & ~FileAttributes.ReadOnly);
        }

        var mode = File.GetUnixFileMode(file);
        File.SetUnixFileMode(file, mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        return () =>
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, mode);
            }
        };
    }

    private static async Task WaitForAssessedAsync(RegisterAudit audit, int count, WorkerProcess worker)
    {
        var waited = Stopwatch.StartNew();
        while (await audit.AssessmentCountAsync() < count)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"fewer than {count} events assessed in a minute; {worker.LogTail()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The input queue during <see cref="Held"/>: its messages (ready and unacknowledged, from rabbitmqctl, whose figures
    /// lag by up to 5 s, hence the settling first) and its ready messages (at once). With nothing acknowledged neither
    /// moves: the worker's prefetch stays full, so an acknowledgement would let it take one more ready message.
    /// </summary>
    private static async Task<HeldMessages> HeldAsync(VirtualHost virtualHost)
    {
        await Task.Delay(TimeSpan.FromSeconds(6));
        var (total, ready) = (await TotalAsync(virtualHost), await virtualHost.MessageCountAsync(Topology.InputQueue));
        await Task.Delay(Held);
        return new HeldMessages(
            total,
            await TotalAsync(virtualHost),
            ready,
            await virtualHost.MessageCountAsync(Topology.InputQueue),
            await virtualHost.MessageCountAsync(Topology.ErrorQueue));
    }

    /// <summary>Ready and unacknowledged messages of the input queue, or null where the tests cannot ask rabbitmqctl.</summary>
    private static async Task<long?> TotalAsync(VirtualHost virtualHost)
    {
        if (!virtualHost.IsPrivate)
        {
            return null;
        }

        var lines = await LocalBroker.CtlAsync("-q", "list_queues", "-p", virtualHost.Name, "--no-table-headers", "name", "messages");
        var line = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Single(l => l.StartsWith(Topology.InputQueue + "\t", StringComparison.Ordinal));
        return long.Parse(line.Split('\t')[1], CultureInfo.InvariantCulture);
    }

    private sealed record HeldMessages(long? First, long? Last, uint FirstReady, uint LastReady, uint ErrorQueued)
    {
        public bool NothingAcknowledged => First == Last && First != 0 && FirstReady == LastReady && FirstReady > 0 && ErrorQueued == 0;

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"input queue {First?.ToString(CultureInfo.InvariantCulture) ?? "?"} messages ({FirstReady} ready), {Held.TotalSeconds:F0} s later {Last?.ToString(CultureInfo.InvariantCulture) ?? "?"} ({LastReady} ready), {ErrorQueued} error-queued");
    }
}

using System.Diagnostics;
using System.Globalization;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// The register's write path as the worker drives it, without the broker: the benchmark's generated events (50 systems,
/// so most events re-confirm, escalate, resolve or reopen risks that earlier ones opened), evaluated once up front with
/// the shipped pack, then recorded by <see cref="SqliteRiskRegister.RecordAsync"/> with as many callers at once as the
/// worker's consumers. Prints assessments a second (wall) and the process's CPU per assessment, per round.
/// </summary>
public static class LifecycleProbe
{
    public static async Task<int> RunAsync(int events, int concurrency, int rounds)
    {
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        var directory = Path.Combine(Path.GetTempPath(), "aims-risk-bench", $"lifecycle-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                // New event ids each round, so every round records new assessments into a fresh register.
                var records = Workload.Events(events, seed: 42 + round)
                    .Select(e => RegisterMapping.ToRecord(evaluator.Evaluate(e, Workload.Pack)))
                    .ToArray();
                var entries = records.Sum(r => r.Entries.Count);
                var database = Path.Combine(directory, $"round-{round}.db");
                using var register = new SqliteRiskRegister($"Data Source={database}", SqlResilience.CreatePipeline());
                await register.MigrateAsync(CancellationToken.None);

                var (read, written) = Io();
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                var next = -1;
                var changes = 0;
                await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < records.Length)
                    {
                        var result = await register.RecordAsync(records[i], CancellationToken.None);
                        Interlocked.Add(ref changes, result.Changes.Count);
                    }
                })));
                var wall = Stopwatch.GetElapsedTime(started);
                process.Refresh();
                var used = process.TotalProcessorTime - cpu;
                var (readAfter, writtenAfter) = Io();
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"lifecycle-probe: round {round}: {records.Length} assessments ({entries / (double)records.Length:0.0} findings, {changes / (double)records.Length:0.00} transitions each), {concurrency} at once: {records.Length / wall.TotalSeconds:0} assessments/s, {used.TotalMilliseconds * 1000 / records.Length:0} us CPU each, {(readAfter - read) / 1024.0 / records.Length:0} KiB read and {(writtenAfter - written) / 1024.0 / records.Length:0} KiB written each; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
                SqliteConnection.ClearAllPools();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }

    /// <summary>Bytes this process has read and written through system calls (the kernel's count, files and sockets alike).</summary>
    private static (long Read, long Written) Io()
    {
        long read = 0, written = 0;
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            var parts = line.Split(':', StringSplitOptions.TrimEntries);
            if (parts[0] == "rchar")
            {
                read = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            else if (parts[0] == "wchar")
            {
                written = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return (read, written);
    }
}

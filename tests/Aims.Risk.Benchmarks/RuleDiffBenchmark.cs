using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Aims.Risk.Core.RuleChanges;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Dapper;
using Microsoft.Data.Sqlite;
using Polly;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// <c>rules diff</c> over a SQLite register of N systems (one latest assessment each, generated events): the shipped
/// pack archived as the active rule set against a candidate with a raised threshold and one new rule. Measures what
/// the command does after loading the candidate: compiling the archived set, streaming the inputs and comparing.
/// </summary>
public static class RuleDiffBenchmark
{
    private const string InsertSql = """
        INSERT INTO Assessments (EventId, SystemId, ChangeType, OccurredAt, AssessedAt, RuleSetVersion, RuleSetHash, Payload, FindingCount)
        VALUES (@EventId, @SystemId, @ChangeType, @OccurredAt, @AssessedAt, @RuleSetVersion, @RuleSetHash, @Payload, 0);
        """;

    public static async Task<int> RunAsync(int systems, int rounds, string? cli = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "aims-risk-bench", $"diff-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "register.db");
        try
        {
            var register = new SqliteRiskRegister($"Data Source={database}", ResiliencePipeline.Empty);
            await register.MigrateAsync(default);
            var pack = Workload.Pack;
            await register.ArchiveRuleSetAsync(new RuleSetArchive(pack.Version, pack.Hash, pack.Content, SampleEvents.Now.AddDays(-1)), default);
            await FillAsync(database, systems, pack);
            var candidate = Candidate(Path.Combine(folder, "candidate"));
            SqliteConnection.ClearAllPools();
            // The GC mode changes the pauses at a high load average: say which this process runs (the command's is workstation).
            Console.WriteLine($"rules-diff: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, load average {File.ReadAllText("/proc/loadavg").Trim()}");

            // What reading alone costs: the same query, streamed, nothing compared.
            var readStarted = Stopwatch.GetTimestamp();
            var readCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var read = 0;
            await foreach (var input in register.ReadLatestInputsAsync(null, default))
            {
                read += input.Payload.Length > 0 ? 1 : 0;
            }

            var readElapsed = Stopwatch.GetElapsedTime(readStarted);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"rules-diff read only: {read} inputs in {readElapsed.TotalSeconds:0.00} s ({read / readElapsed.TotalSeconds:0}/s, {(Process.GetCurrentProcess().TotalProcessorTime - readCpu).TotalSeconds:0.00} CPU-s)"));

            var results = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var gcPause = GC.GetTotalPauseDuration();
                var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var allocated = GC.GetTotalAllocatedBytes();
                var started = Stopwatch.GetTimestamp();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var archived = await register.ReadRuleSetsAsync(default);
                var active = ArchivedRuleSet.Load(archived.MaxBy(a => a.ActivatedAt)!);
                var compiled = Stopwatch.GetElapsedTime(started);
                var report = await RegisterDiff.RunAsync(register.ReadLatestInputsAsync(null, default), active, candidate, default);
                var elapsed = Stopwatch.GetElapsedTime(started);
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                var gc = string.Create(
                    CultureInfo.InvariantCulture,
                    $"GC: {(GC.GetTotalAllocatedBytes() - allocated) / 1e6:0} MB allocated, collections {GC.CollectionCount(0) - collections.Item1}/{GC.CollectionCount(1) - collections.Item2}/{GC.CollectionCount(2) - collections.Item3} (gen 0/1/2), paused {(GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds:0} ms");
                if (report.Systems != systems)
                {
                    Console.Error.WriteLine($"rules-diff: expected {systems} systems, the diff saw {report.Systems}");
                    return 1;
                }

                results.Add(systems / elapsed.TotalSeconds);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"rules-diff round {round + 1}: {systems} systems in {elapsed.TotalSeconds:0.00} s ({systems / elapsed.TotalSeconds:0} systems/s; archived set compiled in {compiled.TotalMilliseconds:0} ms; {cpuSeconds:0.00} CPU-s, {systems / cpuSeconds:0} systems per CPU-second), {report.Changed.Count} systems changed, {report.Changes.Count()} risk changes; {gc}"));
            }

            if (cli is not null)
            {
                for (var run = 0; run < rounds; run++)
                {
                    Console.WriteLine(await RunCommandAsync(cli, Path.Combine(folder, "candidate"), database, systems));
                }
            }

            results.Sort();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"rules-diff: median {results[results.Count / 2]:0} systems/s, best {results[^1]:0} systems/s over {systems} systems on {Environment.ProcessorCount} cores, target >= 20000"));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// <c>aims-risk rules diff --format json</c> on the register, as a user runs it (process start, loading the candidate,
    /// the diff, the output written to a pipe and discarded): wall time, CPU time and peak RSS by <c>/usr/bin/time</c>.
    /// </summary>
    private static async Task<string> RunCommandAsync(string cli, string candidate, string database, int systems)
    {
        var start = new ProcessStartInfo("/usr/bin/time")
        {
            ArgumentList = { "-f", "%e %U %S %M", "dotnet", Path.GetFullPath(cli), "rules", "diff", "--rules", candidate, "--register", $"Data Source={database}", "--format", "json" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        using var process = Process.Start(start) ?? throw new InvalidOperationException("aims-risk did not start");
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        var lines = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var figures = lines[^1].Split(' ').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"aims-risk rules diff exited {process.ExitCode}: {string.Join(" | ", lines)}");
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"rules-diff command: {systems} systems in {figures[0]:0.00} s wall ({systems / figures[0]:0} systems/s), {figures[1] + figures[2]:0.00} CPU-s, peak RSS {figures[3] / 1024:0} MB, load average {load} at its start");
    }

    private static async Task FillAsync(string database, int systems, RuleSet pack)
    {
        var generator = new RandomEvents(42, pack);
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < systems; i++)
        {
            var change = generator.Next();
            change = change with { EventId = Guid.NewGuid(), System = change.System with { Id = $"system-{i:D6}" } };
            if (!Admissible(change))
            {
                // The generator also makes events the reader refuses; the register only ever holds admitted ones.
                i--;
                continue;
            }

            _ = await connection.ExecuteAsync(InsertSql, new
            {
                EventId = change.EventId.ToString(),
                SystemId = change.System.Id,
                ChangeType = change.ChangeType.ToString(),
                OccurredAt = "2026-11-29T10:00:00.000+00:00",
                AssessedAt = "2026-11-29T10:00:01.000+00:00",
                RuleSetVersion = pack.Version,
                RuleSetHash = pack.Hash,
                Payload = RegisterMapping.CanonicalPayload(change),
            }, transaction);
        }

        await transaction.CommitAsync();
    }

    private static bool Admissible(Aims.Risk.Contracts.AiSystemChanged change)
    {
        try
        {
            _ = Aims.Risk.Core.Events.AiSystemChangedReader.Read(System.Text.Encoding.UTF8.GetBytes(RegisterMapping.CanonicalPayload(change)), TimeProvider.System);
            return true;
        }
        catch (Aims.Risk.Core.Events.InvalidEventException)
        {
            return false;
        }
    }

    /// <summary>The shipped pack with the threshold raised to High and a new rule on public systems, under a new version.</summary>
    private static RuleSet Candidate(string folder)
    {
        ShippedRulePack.CopyTo(folder);
        var criteria = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "criteria.json")))!;
        criteria["acceptanceThreshold"] = "High";
        File.WriteAllText(Path.Combine(folder, "criteria.json"), criteria.ToJsonString());
        ShippedRulePack.AddPublicSystemsRule(folder, "9.0.0");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RuleSetLoader.ManifestFile)))!;
        manifest.AsObject().Remove("changelog");
        File.WriteAllText(Path.Combine(folder, RuleSetLoader.ManifestFile), manifest.ToJsonString());
        return RuleSetLoader.Load(folder);
    }
}

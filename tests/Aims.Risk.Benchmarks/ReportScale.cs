using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Reports;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Issue 14, item 4: the HTML report of a large register (by default 10,000 systems × 20 risks = 200,000 risks) must
/// render in under 5 s and under 20 MB. The register is a SQLite file filled through the service's own
/// <see cref="SqliteRiskRegister.RecordAsync"/> (one assessment per system, each finding opening its risk) and
/// <see cref="SqliteRiskRegister.TransitionAsync"/> (every tenth system: an acceptance, a mitigation with a residual,
/// an acknowledgement), built once and cached. Then, three times: read every risk in one streamed pass into the report
/// (keeping what the page shows) and write the HTML to a file; the best and the worst run are printed with the page's
/// size, the CPU time, the bytes allocated and the peak working set.
/// </summary>
public static class ReportScale
{
    public const double TargetSeconds = 5;
    public const double TargetMegabytes = 20;

    public static async Task<int> RunAsync(int systems, int risksPerSystem)
    {
        var ruleSet = RuleSetLoader.Load(RepositoryRoot.Rules);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(risksPerSystem, ruleSet.Rules.Count);
        var database = await PrefilledAsync(ruleSet, systems, risksPerSystem);
        var register = new SqliteRiskRegister($"Data Source={database}", SqlResilience.CreatePipeline());
        var now = SampleEvents.Now;
        var runs = new List<(double Load, double Render, long Bytes, long Allocated, int Risks, double Cpu)>();
        var output = Path.Combine(Path.GetDirectoryName(database)!, "report-scale.html");
        using var process = Process.GetCurrentProcess();
        for (var run = 0; run < 3; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            // What `aims-risk report --out FILE` and the worker's /report do: one streamed read of the register that
            // keeps what the page shows, then the page written through a buffered stream.
            var report = await RiskReport.LoadAsync(register, ruleSet, null, now, ReportDetail.Page(RiskReportHtml.DefaultTableLimit), CancellationToken.None);
            var load = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await using (var writer = new StreamWriter(output, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                RiskReportHtml.Write(report, writer);
            }

            var render = Stopwatch.GetElapsedTime(started).TotalSeconds - load;
            process.Refresh();
            runs.Add((load, render, new FileInfo(output).Length, GC.GetTotalAllocatedBytes(precise: true) - allocated, report.RiskCount, (process.TotalProcessorTime - cpu).TotalSeconds));
        }

        SqliteConnection.ClearAllPools();
        var best = runs.MinBy(r => r.Load + r.Render);
        var worst = runs.MaxBy(r => r.Load + r.Render);
        var megabytes = best.Bytes / 1e6;
        Console.WriteLine(F($"report: {systems:#,0} systems, {best.Risks:#,0} risks: read and build {best.Load:0.00} s + render {best.Render:0.00} s = {best.Load + best.Render:0.00} s best, {worst.Load + worst.Render:0.00} s worst of 3 (target < {TargetSeconds} s), CPU {best.Cpu:0.00} s in the best run, {worst.Cpu:0.00} s in the worst (the wall time includes waiting for a busy machine); HTML {megabytes:0.00} MB (target < {TargetMegabytes} MB); allocated {best.Allocated / 1e6:0} MB per run; peak working set {process.PeakWorkingSet64 / 1e6:0} MB; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.WriteLine(F($"report: the page of the first run is {output}"));
        return best.Load + best.Render < TargetSeconds && megabytes < TargetMegabytes ? 0 : 1;
    }

    private static async Task<string> PrefilledAsync(RuleSet ruleSet, int systems, int risksPerSystem)
    {
        var directory = Path.Combine(Path.GetTempPath(), "aims-risk-bench");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, F($"report-{systems}x{risksPerSystem}-{ruleSet.Hash[..8]}.db"));
        if (File.Exists(path))
        {
            return path;
        }

        var started = Stopwatch.GetTimestamp();
        var building = path + ".building";
        File.Delete(building);
        var register = new SqliteRiskRegister($"Data Source={building}", SqlResilience.CreatePipeline());
        await register.MigrateAsync(CancellationToken.None);
        var rules = ruleSet.Rules.Take(risksPerSystem).Select(r => r.Definition).ToList();
        var criteria = ruleSet.Criteria;
        await Parallel.ForAsync(0, systems, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, token) =>
        {
            var assessedAt = SampleEvents.Now.AddDays(-(i % 200)).AddMinutes(-i);
            var system = F($"ai-system-{i:00000}");
            var eventId = Guid.NewGuid();
            var entries = rules.Select((rule, k) =>
            {
                var likelihood = 1 + ((i + k) % 5);
                var impact = 1 + (((i * 7) + (k * 3)) % 5);
                var level = criteria.LevelOf(likelihood, impact);
                var treat = criteria.RequiresTreatment(level);
                return new RiskEntryRecord
                {
                    Id = TaskIds.For(eventId, rule.Id),
                    EventId = eventId,
                    RiskId = RiskIds.For(system, rule.Id),
                    SystemId = system,
                    RuleId = rule.Id,
                    Category = rule.Category,
                    Title = rule.Title,
                    Rationale = $"{rule.Id} fired on {system}",
                    Likelihood = likelihood,
                    Impact = impact,
                    Score = likelihood * impact,
                    Level = level,
                    Treatment = rule.Treatment,
                    Controls = rule.Controls,
                    Status = treat ? RiskEntryStatus.TreatmentRequested : RiskEntryStatus.Accepted,
                    TaskId = treat ? TaskIds.For(eventId, rule.Id) : null,
                    DueBy = treat ? assessedAt.AddDays(criteria.DueDays(level)) : null,
                    RuleSetVersion = ruleSet.Version,
                    RuleSetHash = ruleSet.Hash,
                    CreatedAt = assessedAt,
                };
            }).ToList();
            _ = await register.RecordAsync(new AssessmentRecord
            {
                EventId = eventId,
                SystemId = system,
                ChangeType = nameof(ChangeType.ModelDeployed),
                OccurredAt = assessedAt,
                AssessedAt = assessedAt,
                RuleSetVersion = ruleSet.Version,
                RuleSetHash = ruleSet.Hash,
                Payload = F($"{{\"system\":\"{system}\"}}"),
                Entries = entries,
                Owner = F($"owner-{i % 300}@example.com"),
            }, token);
        });

        var updates = 0;
        for (var i = 0; i < systems; i += 10)
        {
            var requested = await register.QueryRisksAsync(new RiskQuery { SystemId = F($"ai-system-{i:00000}"), Status = RiskStatus.TreatmentRequested }, CancellationToken.None);
            var at = SampleEvents.Now.AddDays(-1);
            foreach (var (risk, action) in requested.Zip([TreatmentAction.Accepted, TreatmentAction.Mitigated, TreatmentAction.Acknowledged]))
            {
                var update = new RiskTreatmentUpdated
                {
                    UpdateId = Guid.NewGuid(),
                    RiskId = risk.RiskId,
                    Action = action,
                    Actor = risk.Owner,
                    OccurredAt = at,
                    AcceptedUntil = action == TreatmentAction.Accepted ? at.AddDays(1 + (i % 90)) : null,
                    ResidualLikelihood = action == TreatmentAction.Mitigated ? 1 : null,
                    ResidualImpact = action == TreatmentAction.Mitigated ? Math.Max(1, risk.Impact - 1) : null,
                };
                _ = await register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => RiskLifecycle.Apply(r, update, criteria, at), CancellationToken.None);
                updates++;
            }
        }

        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={building};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        File.Move(building, path);
        Console.WriteLine(F($"report: built {path}: {systems:#,0} systems × {risksPerSystem} risks, {updates:#,0} owner updates, in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s"));
        return path;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

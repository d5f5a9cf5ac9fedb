using System.Diagnostics;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Target 3: the time to record one assessment (the service's <see cref="SqliteRiskRegister.RecordAsync"/>:
/// look-up, insert of the assessment and its entries, commit) against the size of the register, counted in
/// risk entries. The register is pre-filled once per size (4 entries per assessment) and cached.
/// </summary>
public class RegisterBenchmarks
{
    public const int Concurrent = 64;

    private AssessmentRecord _template = null!;
    private SqliteRiskRegister _register = null!;
    private string _database = "";

    /// <summary>10k always; 1M unless <c>AIMS_RISK_BENCH_SKIP_1M</c> is set (the quick run).</summary>
    public static IEnumerable<int> Sizes =>
        Environment.GetEnvironmentVariable("AIMS_RISK_BENCH_SKIP_1M") is { Length: > 0 } ? [10_000] : [10_000, 1_000_000];

    [ParamsSource(nameof(Sizes))]
    public int RegisterEntries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        _template = Workload.Events(200).Select(e => RegisterMapping.ToRecord(evaluator.Evaluate(e, Workload.Pack)))
            .First(r => r.Entries.Count == 4);
        var cached = Prefilled(RegisterEntries, _template);
        _database = Path.Combine(Path.GetTempPath(), "aims-risk-bench", $"register-{RegisterEntries}-work.db");
        File.Copy(cached, _database, overwrite: true);
        _register = new SqliteRiskRegister($"Data Source={_database}", SqlResilience.CreatePipeline());
        _register.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _register.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>The look at the database file's identity and writability that each group-commit batch makes before it commits.</summary>
    public string? CheckFiles() => _register.CheckFiles();

    [Benchmark]
    public Task<RecordResult> Record() => _register.RecordAsync(NewRecord(_template), CancellationToken.None);

    /// <summary>What the worker does under load: many consumers record at once (group commit shares the commits).</summary>
    [Benchmark(OperationsPerInvoke = Concurrent)]
    public Task RecordConcurrently() =>
        Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => _register.RecordAsync(NewRecord(_template), CancellationToken.None)));

    /// <summary>
    /// The template with a new event id of a new system (and the ids that derive from them): each record opens its risks,
    /// the heavier path of reconciliation (risk and history rows written), so the Risks table grows with the register.
    /// </summary>
    private static AssessmentRecord NewRecord(AssessmentRecord template)
    {
        var id = Guid.NewGuid();
        var system = $"system-{id:N}";
        return template with
        {
            EventId = id,
            SystemId = system,
            Entries = [.. template.Entries.Select(e => e with
            {
                Id = TaskIds.For(id, e.RuleId),
                EventId = id,
                SystemId = system,
                RiskId = RiskIds.For(system, e.RuleId),
                TaskId = e.TaskId is null ? null : TaskIds.For(id, e.RuleId),
            })],
        };
    }

    /// <summary>
    /// A register file of <paramref name="entries"/> risk entries and as many risks (each event of a system of its own),
    /// with their history rows, built once in one transaction.
    /// </summary>
    private static string Prefilled(int entries, AssessmentRecord template)
    {
        var directory = Path.Combine(Path.GetTempPath(), "aims-risk-bench");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"register-risks-{entries}.db");
        if (File.Exists(path))
        {
            return path;
        }

        var started = Stopwatch.GetTimestamp();
        var building = path + ".building";
        File.Delete(building);
        var register = new SqliteRiskRegister($"Data Source={building}", SqlResilience.CreatePipeline());
        register.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        using (var connection = new SqliteConnection($"Data Source={building};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "PRAGMA synchronous = OFF; PRAGMA cache_size = -400000;");
            using var transaction = connection.BeginTransaction();
            using var assessment = connection.CreateCommand();
            assessment.Transaction = transaction;
            assessment.CommandText = """
                INSERT INTO Assessments (EventId, SystemId, ChangeType, OccurredAt, AssessedAt, RuleSetVersion, RuleSetHash, Payload, FindingCount)
                VALUES ($e, $s, 'ModelDeployed', $t, $t, '1.0.0', $h, $p, 4);
                """;
            var aEvent = assessment.Parameters.Add("$e", SqliteType.Text);
            var aSystem = assessment.Parameters.Add("$s", SqliteType.Text);
            var aTime = assessment.Parameters.Add("$t", SqliteType.Text);
            assessment.Parameters.AddWithValue("$h", template.RuleSetHash);
            assessment.Parameters.AddWithValue("$p", template.Payload);
            using var entry = connection.CreateCommand();
            entry.Transaction = transaction;
            entry.CommandText = """
                INSERT INTO RiskEntries (Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
                                         Level, LevelRank, Treatment, Controls, Status, TaskId, DueBy, RuleSetVersion, RuleSetHash, CreatedAt)
                VALUES ($id, $e, $risk, $s, $r, 'privacy', 'title', 'rationale of the finding, with the values that made it fire', 3, 4, 12,
                        'High', 2, 'Mitigate', 'A.7.4', 'TreatmentRequested', $id, $t, '1.0.0', $h, $t);
                INSERT INTO Risks (RiskId, SystemId, RuleId, Category, Title, Owner, Status, Likelihood, Impact, Score, Level, LevelRank, Controls,
                                   DueBy, OpenTaskId, FirstSeenAt, LastSeenAt, LastEventId, RuleSetVersion, RuleSetHash, Version)
                VALUES ($risk, $s, $r, 'privacy', 'title', 'owner@example.com', 'TreatmentRequested', 3, 4, 12, 'High', 2, 'A.7.4',
                        $t, $id, $t, $t, $e, '1.0.0', $h, 1);
                INSERT INTO RiskHistory (ChangeId, RiskId, At, ToStatus, Actor, Reason, EventId, Level, TaskId)
                VALUES ($change, $risk, $t, 'TreatmentRequested', 'aims-risk', 'rule fired', $e, 'High', $id);
                """;
            var eId = entry.Parameters.Add("$id", SqliteType.Text);
            var eEvent = entry.Parameters.Add("$e", SqliteType.Text);
            var eSystem = entry.Parameters.Add("$s", SqliteType.Text);
            var eRule = entry.Parameters.Add("$r", SqliteType.Text);
            var eRisk = entry.Parameters.Add("$risk", SqliteType.Text);
            var eChange = entry.Parameters.Add("$change", SqliteType.Text);
            var eTime = entry.Parameters.Add("$t", SqliteType.Text);
            entry.Parameters.AddWithValue("$h", template.RuleSetHash);
            var at = SampleEvents.Now.AddYears(-1);
            for (var i = 0; i < entries / 4; i++)
            {
                var eventId = Guid.NewGuid().ToString("D");
                var system = $"system-{i}";
                var time = at.AddSeconds(i).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
                aEvent.Value = eventId;
                aSystem.Value = system;
                aTime.Value = time;
                assessment.ExecuteNonQuery();
                for (var k = 0; k < 4; k++)
                {
                    eId.Value = Guid.NewGuid().ToString("D");
                    eEvent.Value = eventId;
                    eSystem.Value = system;
                    eRule.Value = $"PRIV-00{k + 1}";
                    var riskId = RiskIds.For(system, $"PRIV-00{k + 1}");
                    eRisk.Value = riskId.ToString("D");
                    eChange.Value = Guid.NewGuid().ToString("D");
                    eTime.Value = time;
                    entry.ExecuteNonQuery();
                }
            }

            transaction.Commit();
            Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        }

        SqliteConnection.ClearAllPools();
        File.Move(building, path);
        File.Delete(building + "-wal");
        File.Delete(building + "-shm");
        Console.WriteLine($"// pre-filled a register of {entries} entries in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: {path}");
        return path;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

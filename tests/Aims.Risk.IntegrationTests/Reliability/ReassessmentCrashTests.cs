using Aims.Risk.Core.Events;
using Aims.Risk.Core.Reassessment;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Polly;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// A worker process started on a register of 300 systems assessed with the shipped pack and a new version of it: the
/// activation re-assesses them one at a time, the process is killed with SIGKILL in the middle and started again. The
/// run must finish with every system re-assessed exactly once and every new risk opened once.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class ReassessmentCrashTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    private const int Systems = 300;

    private const string ReassessmentsPerSystemSql = """
        SELECT COUNT(*) FROM (SELECT SystemId FROM Assessments WHERE ReassessedEventId IS NOT NULL GROUP BY SystemId HAVING COUNT(*) > 1);
        """;

    private const string ReassessedCountSql = """
        SELECT COUNT(*) FROM Assessments WHERE ReassessedEventId IS NOT NULL;
        """;

    private const string HistoryOfNewRuleSql = """
        SELECT COUNT(*) FROM RiskHistory AS h JOIN Risks AS r ON r.RiskId = h.RiskId WHERE r.RuleId = 'SEC-900';
        """;

    private const string RisksOfNewRuleSql = """
        SELECT COUNT(*) FROM Risks WHERE RuleId = 'SEC-900';
        """;

    [Fact]
    public async Task A_worker_killed_in_the_middle_of_a_reassessment_resumes_without_doubles()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("reassess-crash");
        var database = folder.File("register.db");
        var expected = await FillAsync(database, folder.File("rules"));

        var settings = new Dictionary<string, string>
        {
            ["Rules__Path"] = folder.File("rules"),
            ["Rules__RequireTests"] = "false",
            ["Reassessment__ConcurrentMessageLimit"] = "1",
            ["Reassessment__PrefetchCount"] = "1",
            ["Reassessment__PollInterval"] = "00:00:00.5",
            ["Reassessment__ClaimTimeout"] = "00:00:05",
        };
        var register = new SqliteRiskRegister($"Data Source={database}", ResiliencePipeline.Empty);
        await using var worker = await WorkerProcess.StartAsync("reassessing", broker, virtualHost, $"Data Source={database}", folder.Path, settings);

        var doneAtKill = 0;
        for (var wait = 0; wait < 1200 && doneAtKill < Systems / 5; wait++)
        {
            doneAtKill = (await register.ReadReassessmentsAsync(false, 10, default)).Where(r => r.RuleSetVersion == "9.2.0").Sum(r => r.Done);
            await Task.Delay(100);
        }

        worker.Kill();
        output.WriteLine($"killed with {doneAtKill} of {Systems} systems done");
        Assert.InRange(doneAtKill, 1, Systems - 1);
        await worker.StartAsync();

        ReassessmentRun? run = null;
        for (var wait = 0; wait < 1800 && run?.FinishedAt is null; wait++)
        {
            run = (await register.ReadReassessmentsAsync(false, 10, default)).SingleOrDefault(r => r.RuleSetVersion == "9.2.0");
            await Task.Delay(100);
        }

        Assert.True(run?.FinishedAt is not null, $"the run did not finish: {run}; logs in {folder.Path}");
        Assert.Equal((Systems, Systems, expected, 0, 0), (run.Systems, run.Done, run.Opened, run.Resolved, run.Changed));
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        Assert.Equal(0L, await ScalarAsync(connection, ReassessmentsPerSystemSql));
        Assert.Equal((long)Systems, await ScalarAsync(connection, ReassessedCountSql));
        Assert.Equal((long)expected, await ScalarAsync(connection, RisksOfNewRuleSql));
        Assert.Equal((long)expected, await ScalarAsync(connection, HistoryOfNewRuleSql));
        folder.Keep = false;
    }

    /// <summary>The register with the shipped pack active and its examples as 300 systems; the candidate folder; how many systems the new rule fires on.</summary>
    private static async Task<int> FillAsync(string database, string candidateFolder)
    {
        var register = new SqliteRiskRegister($"Data Source={database}", ResiliencePipeline.Empty);
        await register.MigrateAsync(default);
        var shipped = RuleSetLoader.Load(RepositoryRoot.Rules);
        await register.ArchiveRuleSetAsync(new RuleSetArchive(shipped.Version, shipped.Hash, shipped.Content, DateTimeOffset.UtcNow.AddDays(-1)), default);
        var examples = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => AiSystemChangedReader.Read(File.ReadAllBytes(f), TimeProvider.System)).ToList();
        var evaluator = new RiskEvaluator(TimeProvider.System);
        var changes = Enumerable.Range(0, Systems).Select(i => examples[i % examples.Count] with
        {
            EventId = Guid.NewGuid(),
            System = examples[i % examples.Count].System with { Id = $"system-{i:D3}" },
        }).ToList();
        foreach (var change in changes)
        {
            _ = await register.RecordAsync(RegisterMapping.ToRecord(evaluator.Evaluate(change, shipped)), default);
        }

        ShippedRulePack.AddPublicSystemsRule(ShippedRulePack.CopyTo(candidateFolder), "9.2.0");
        var candidate = RuleSetLoader.Load(candidateFolder);
        SqliteConnection.ClearAllPools();
        return changes.Count(c => evaluator.Evaluate(c, candidate).Findings.Any(f => f.RuleId == "SEC-900"));
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

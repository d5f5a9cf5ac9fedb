using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Aims.Risk.Tests.Reports;

/// <summary>
/// A register as the worker would keep it: the shipped example events recorded through the real evaluator into SQLite
/// (the examples are clean, so each carries the changes of the rule tests that fire on it), then owners' updates
/// through the lifecycle (acceptances, one ending soon; mitigations with a residual; an acknowledgement), read at
/// <see cref="ReportTime"/> when some treatments are overdue.
/// </summary>
public sealed class ExampleRegister : IAsyncLifetime
{
    /// <summary>Ten days after the events: the Critical treatments (due in 7 days) are overdue.</summary>
    public static readonly DateTimeOffset ReportTime = SampleEvents.Now.AddDays(10);

    public string Database { get; } = Path.Combine(Path.GetTempPath(), $"aims-risk-report-{Guid.NewGuid():N}.db");

    public RuleSet RuleSet { get; } = RuleSetLoader.Load(RepositoryRoot.Rules);

    public SqliteRiskRegister Register { get; private set; } = null!;

    public Dictionary<string, string?> Settings => new() { ["ConnectionStrings:RiskRegister"] = $"Data Source={Database}" };

    /// <summary>The risk accepted until <see cref="ReportTime"/> + 20 days.</summary>
    public Guid AcceptedSoon { get; private set; }

    public Guid AcceptedLater { get; private set; }

    /// <summary>Mitigated to a residual below the threshold: Treated.</summary>
    public Guid Treated { get; private set; }

    /// <summary>Mitigated, residual still at or above the threshold: treatment goes on.</summary>
    public Guid MitigatedStillTreating { get; private set; }

    public async Task InitializeAsync()
    {
        Register = new SqliteRiskRegister($"Data Source={Database}", ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);
        await Register.MigrateAsync(default);
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        var firing = FiringChanges();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json").Order(StringComparer.Ordinal))
        {
            var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            foreach (var patch in firing.GetValueOrDefault(Path.GetFileName(file), []))
            {
                json = RuleTestRunner.MergePatch(json, patch)!;
            }

            var change = AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()), new FakeTimeProvider(SampleEvents.Now));
            _ = await Register.RecordAsync(RegisterMapping.ToRecord(evaluator.Evaluate(change, RuleSet)), default);
        }

        var requested = (await Register.QueryRisksAsync(new RiskQuery { Status = RiskStatus.TreatmentRequested }, default)).ToList();
        RiskRecord Take(Func<RiskRecord, bool> which)
        {
            var risk = requested.First(which);
            requested.Remove(risk);
            return risk;
        }

        var at = SampleEvents.Now.AddDays(2);
        AcceptedSoon = await UpdateAsync(Take(r => r.Level == RiskLevel.Medium), TreatmentAction.Accepted, at, until: ReportTime.AddDays(20));
        AcceptedLater = await UpdateAsync(Take(r => r.Level == RiskLevel.Medium), TreatmentAction.Accepted, at, until: ReportTime.AddDays(200));
        var high = Take(r => r.Level == RiskLevel.High && r.Likelihood >= 2 && r.Impact >= 2);
        Treated = await UpdateAsync(high, TreatmentAction.Mitigated, at, residual: (1, 2));
        var critical = Take(r => r.Level == RiskLevel.Critical);
        MitigatedStillTreating = await UpdateAsync(critical, TreatmentAction.Mitigated, at, residual: (critical.Likelihood - 1, critical.Impact));
        _ = await UpdateAsync(Take(r => r.Level == RiskLevel.High), TreatmentAction.Acknowledged, at);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(Database);
        return Task.CompletedTask;
    }

    /// <summary>The event changes of the rule-test cases that must fire a rule, by the example they start from.</summary>
    private static Dictionary<string, List<JsonNode>> FiringChanges()
    {
        var changes = new Dictionary<string, List<JsonNode>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Rules, "tests"), "*.tests.json").Order(StringComparer.Ordinal))
        {
            foreach (var item in JsonNode.Parse(File.ReadAllText(file))!["cases"]!.AsArray())
            {
                if (item!["base"] is { } baseFile && item["mustFire"] is JsonArray { Count: > 0 } && item["event"] is JsonObject change
                    && change["changeType"] is null)
                {
                    var key = Path.GetFileName(baseFile.GetValue<string>());
                    (changes.TryGetValue(key, out var list) ? list : changes[key] = []).Add(change);
                }
            }
        }

        return changes;
    }

    public async Task<IReadOnlyList<RiskRecord>> RisksAsync() => await Register.QueryRisksAsync(new RiskQuery { Limit = int.MaxValue }, default);

    private async Task<Guid> UpdateAsync(RiskRecord risk, TreatmentAction action, DateTimeOffset at, DateTimeOffset? until = null, (int Likelihood, int Impact)? residual = null)
    {
        var update = new RiskTreatmentUpdated
        {
            UpdateId = Guid.NewGuid(),
            RiskId = risk.RiskId,
            Action = action,
            Actor = action == TreatmentAction.Accepted ? "cro@bank.example" : risk.Owner,
            OccurredAt = at,
            AcceptedUntil = until,
            ResidualLikelihood = residual?.Likelihood,
            ResidualImpact = residual?.Impact,
            Comment = action == TreatmentAction.Accepted ? "compensating manual review" : null,
        };
        var outcome = await Register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => RiskLifecycle.Apply(r, update, RuleSet.Criteria, at), default);
        Assert.NotNull(outcome.Applied);
        return risk.RiskId;
    }
}

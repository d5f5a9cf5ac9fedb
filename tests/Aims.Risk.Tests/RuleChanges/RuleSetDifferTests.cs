using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.RuleChanges;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.RuleChanges;

/// <summary>
/// The diff of two rule sets on one input decides as the evaluator and the reconciler would: the builder's rules are
/// PRIV-001 (High, system), PRIV-002 (Low, accepted, system: accuracy below 0.8) and SEC-001 (Critical, change).
/// </summary>
public sealed class RuleSetDifferTests : IDisposable
{
    private readonly RuleSetBuilder _active = new();
    private readonly RuleSetBuilder _candidate = new();

    public void Dispose()
    {
        _active.Dispose();
        _candidate.Dispose();
    }

    /// <summary>Unsigned deployment, personal data without consent, accuracy 0.5: all three rules fire.</summary>
    private static AiSystemChanged Risky(string system = "credit-scoring") => SampleEvents.Change() with
    {
        System = new AiSystem { Id = system, Name = system, Owner = "owner@example.com" },
        Datasets = [new DatasetInfo { Name = "applications", ContainsPersonalData = true }],
        Model = new ModelInfo { Metrics = new ModelMetrics { Accuracy = 0.5 } },
    };

    [Fact]
    public void The_same_rule_set_changes_nothing()
    {
        var diff = Differ().Compare(Risky());

        Assert.Empty(diff.Changes);
        Assert.Empty(diff.CandidateErrors);
    }

    [Fact]
    public void A_raised_acceptance_threshold_changes_the_treatment_of_the_risks_now_below_it()
    {
        _candidate.Criteria["acceptanceThreshold"] = "Critical";

        var change = Assert.Single(Differ().Compare(Risky()).Changes);

        Assert.Equal(new RiskChange("credit-scoring", "PRIV-001", "privacy", RiskChangeKind.TreatmentChanges, RiskLevel.High, RiskLevel.High, Treatment.Mitigate, Treatment.Accept), change);
    }

    [Fact]
    public void A_higher_likelihood_changes_the_level()
    {
        _candidate.RuleAt("privacy.json", 0)["Properties"]!["likelihood"] = 5;

        var change = Assert.Single(Differ().Compare(Risky()).Changes);

        Assert.Equal((RiskChangeKind.LevelChanges, RiskLevel.High, RiskLevel.Critical), (change.Kind, change.FromLevel, change.ToLevel));
    }

    [Fact]
    public void A_new_rule_that_fires_opens_a_risk_at_its_level()
    {
        AddRule(_candidate, RuleSetBuilder.Rule("SEC-002", "change.Security.ArtifactSigned != true", "security", 4, 4));

        var change = Assert.Single(Differ().Compare(Risky()).Changes);

        Assert.Equal(new RiskChange("credit-scoring", "SEC-002", "security", RiskChangeKind.Opens, null, RiskLevel.High, null, Treatment.Mitigate), change);
    }

    [Fact]
    public void A_new_rule_that_does_not_fire_changes_nothing()
    {
        AddRule(_candidate, RuleSetBuilder.Rule("SEC-002", "change.Security.CriticalVulnerabilities > 3", "security", 4, 4));

        Assert.Empty(Differ().Compare(Risky()).Changes);
    }

    [Fact]
    public void A_system_rule_that_stops_firing_with_its_evidence_present_resolves_the_risk()
    {
        _candidate.RuleAt("privacy.json", 1)["Expression"] = "change.Model.Metrics.Accuracy < 0.4";

        var change = Assert.Single(Differ().Compare(Risky()).Changes);

        Assert.Equal(new RiskChange("credit-scoring", "PRIV-002", "privacy", RiskChangeKind.Resolves, RiskLevel.Low, null, Treatment.Accept, null), change);
    }

    [Fact]
    public void A_change_rule_that_stops_firing_leaves_the_risk_open()
    {
        _candidate.RuleAt("security.json", 0)["Expression"] = "change.ChangeType == \"Decommissioned\" && change.Security.ArtifactSigned != true";

        var change = Assert.Single(Differ().Compare(Risky()).Changes);

        Assert.Equal((RiskChangeKind.NoLongerFires, "SEC-001", RiskLevel.Critical), (change.Kind, change.RuleId, change.Level));
    }

    [Fact]
    public void A_removed_rule_leaves_its_risks_open()
    {
        _candidate.Workflows["privacy.json"]["Rules"]!.AsArray().RemoveAt(1);

        var change = Assert.Single(Differ().Compare(Risky()).Changes);

        Assert.Equal((RiskChangeKind.NoLongerFires, "PRIV-002"), (change.Kind, change.RuleId));
    }

    [Fact]
    public void A_candidate_rule_that_throws_is_reported_and_counts_as_not_fired()
    {
        AddRule(_candidate, RuleSetBuilder.Rule("SEC-002", "1 / change.Datasets.Count(d => d.Region == \"moon\") > 0", "security"));
        var diff = Differ().Compare(Risky());

        var error = Assert.Single(diff.CandidateErrors);
        Assert.Equal("SEC-002", error.RuleId);
        Assert.Contains("DivideByZero", error.Message, StringComparison.Ordinal);
        Assert.Empty(diff.Changes);
    }

    [Fact]
    public void The_diff_decides_as_the_evaluator_scores()
    {
        _candidate.Criteria["acceptanceThreshold"] = "High";
        _candidate.RuleAt("privacy.json", 0)["Properties"]!["impact"] = 5;
        AddRule(_candidate, RuleSetBuilder.Rule("SEC-002", "change.Security.ArtifactSigned != true", "security", 2, 2));
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        var candidate = RuleSetLoader.Load(_candidate.Write());

        var changes = Differ().Compare(Risky()).Changes.Where(c => c.ToLevel is not null).ToList();

        Assert.Equal(["PRIV-001", "SEC-002"], changes.Select(c => c.RuleId));
        foreach (var change in changes)
        {
            var finding = evaluator.Evaluate(Risky(), candidate).Findings.Single(f => f.RuleId == change.RuleId);
            Assert.Equal((finding.Level, finding.Treatment), (change.ToLevel!.Value, change.ToTreatment!.Value));
        }
    }

    [Fact]
    public async Task Over_a_register_the_changed_systems_come_ordered_with_totals_and_the_rules_responsible()
    {
        AddRule(_candidate, RuleSetBuilder.Rule("SEC-002", "change.Security.ArtifactSigned != true", "security", 4, 4));
        var inputs = new[] { "c", "a", "b" }.Select(s => Input(Risky(s)))
            .Append(Input(SampleEvents.Change() with { System = new AiSystem { Id = "signed", Name = "s", Owner = "o" }, Security = new SecurityInfo { ArtifactSigned = true } }));

        var report = await RegisterDiff.RunAsync(ToAsync(inputs), Load(_active), Load(_candidate), default, parallelism: 2);

        Assert.Equal(4, report.Systems);
        Assert.Equal(["a", "b", "c"], report.Changed.Select(s => s.SystemId));
        Assert.Equal([(RiskChangeKind.Opens, "security", RiskLevel.High, 3)], report.Totals);
        Assert.Equal([("SEC-002", RiskChangeKind.Opens, 3)], report.Rules);
        Assert.Equal(3, report.OpensAtOrAbove(RiskLevel.High));
        Assert.Equal(0, report.OpensAtOrAbove(RiskLevel.Critical));
    }

    [Fact]
    public async Task A_damaged_payload_fails_the_run_naming_its_system_instead_of_stalling_the_reader()
    {
        var inputs = Enumerable.Range(0, 5000).Select(i => Input(Risky($"s{i:D5}")))
            .Prepend(new LatestInput("damaged", Guid.NewGuid(), SampleEvents.Now, "1.2.3", "h", "{\"eventId\": 12"));

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => RegisterDiff.RunAsync(ToAsync(inputs), Load(_active), Load(_candidate), default, parallelism: 1));

        Assert.Contains("system damaged", ex.Message, StringComparison.Ordinal);
    }

    private static void AddRule(RuleSetBuilder builder, System.Text.Json.Nodes.JsonObject rule) => builder.Workflows["security.json"]["Rules"]!.AsArray().Add(rule);

    private static RuleSet Load(RuleSetBuilder builder) => RuleSetLoader.Load(builder.Write());

    private RuleSetDiffer Differ() => new(Load(_active), Load(_candidate));

    private static LatestInput Input(AiSystemChanged change) =>
        new(change.System.Id, change.EventId, SampleEvents.Now, "1.2.3", "h", JsonSerializer.Serialize(change, ContractJson.Options));

    private static async IAsyncEnumerable<LatestInput> ToAsync(IEnumerable<LatestInput> inputs)
    {
        foreach (var input in inputs)
        {
            await Task.Yield();
            yield return input;
        }
    }
}

using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using System.Text.Json.Nodes;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Scoring;

public sealed class RiskEvaluatorTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);

    public void Dispose() => _rules.Dispose();

    private RuleSet Load() => RuleSetLoader.Load(_rules.Write());

    [Fact]
    public void Fired_rule_becomes_a_scored_finding_with_a_task_and_due_date()
    {
        var change = SampleEvents.Change();

        var assessment = new RiskEvaluator(_clock).Evaluate(change, Load());

        var finding = Assert.Single(assessment.Findings);
        Assert.Equal("SEC-001", finding.RuleId);
        Assert.Equal("security", finding.Category);
        Assert.Equal(25, finding.Score);
        Assert.Equal(RiskLevel.Critical, finding.Level);
        Assert.Equal(Treatment.Avoid, finding.Treatment);
        Assert.True(finding.RequiresTreatment);
        Assert.Equal(TaskIds.For(change.EventId, "SEC-001"), finding.TaskId);
        Assert.Equal(SampleEvents.Now.AddDays(7), finding.DueBy);
        Assert.Equal(SampleEvents.Now, assessment.AssessedAt);
        Assert.Equal("1.2.3", assessment.RuleSetVersion);
    }

    [Fact]
    public void Finding_below_the_threshold_is_accepted_without_a_task()
    {
        var change = SampleEvents.Change() with
        {
            ChangeType = ChangeType.ModelRetrained,
            Model = new ModelInfo { Metrics = new ModelMetrics { Accuracy = 0.7 } },
        };

        var finding = Assert.Single(new RiskEvaluator(_clock).Evaluate(change, Load()).Findings);

        Assert.Equal("PRIV-002", finding.RuleId);
        Assert.Equal(RiskLevel.Low, finding.Level);
        Assert.Equal(Treatment.Accept, finding.Treatment);
        Assert.Equal(Treatment.Mitigate, finding.RecommendedTreatment);
        Assert.False(finding.RequiresTreatment);
        Assert.Null(finding.TaskId);
        Assert.Null(finding.DueBy);
        Assert.Equal("Accuracy 0.7", finding.Rationale);
    }

    [Fact]
    public void Rationale_shows_the_values_that_made_the_rule_fire()
    {
        var change = SampleEvents.Change() with
        {
            Datasets =
            [
                new DatasetInfo { Name = "applications-2024", ContainsPersonalData = true },
                new DatasetInfo { Name = "bureau", ContainsPersonalData = true, ConsentBasis = "contract" },
                new DatasetInfo { Name = "web-scrape", ContainsPersonalData = true },
            ],
        };

        var finding = new RiskEvaluator(_clock).Evaluate(change, Load()).Findings.Single(f => f.RuleId == "PRIV-001");

        Assert.Equal("Datasets applications-2024, web-scrape have no consent basis", finding.Rationale);
    }

    [Fact]
    public void Absent_optional_objects_read_as_empty_not_as_errors()
    {
        var change = SampleEvents.Change() with { ChangeType = ChangeType.DatasetChanged };

        var assessment = new RiskEvaluator(_clock).Evaluate(change, Load());

        Assert.Empty(assessment.Findings);
        Assert.Empty(assessment.Errors);
    }

    [Fact]
    public void Rule_that_throws_is_reported_and_does_not_stop_the_others()
    {
        _rules.RuleAt("privacy.json", 1)["Expression"] = "change.Datasets[0].Name == \"x\"";
        var change = SampleEvents.Change();

        var assessment = new RiskEvaluator(_clock).Evaluate(change, Load());

        var error = Assert.Single(assessment.Errors);
        Assert.Equal("PRIV-002", error.RuleId);
        Assert.Contains("ArgumentOutOfRangeException", error.Message, StringComparison.Ordinal);
        Assert.Equal("SEC-001", Assert.Single(assessment.Findings).RuleId);
    }

    [Fact]
    public void Same_event_and_rule_set_give_the_same_findings()
    {
        var ruleSet = Load();
        var change = SampleEvents.Change() with { Datasets = [new DatasetInfo { Name = "a", ContainsPersonalData = true }] };
        var evaluator = new RiskEvaluator(_clock);

        var first = evaluator.Evaluate(change, ruleSet);
        var second = evaluator.Evaluate(change, ruleSet);

        Assert.Equal(first.Findings, second.Findings);
        Assert.Equal(["PRIV-001", "SEC-001"], first.Findings.Select(f => f.RuleId));
    }

    /// <summary>
    /// A grid whose level depends on the likelihood alone and a rule whose likelihood and impact differ: a look-up or an
    /// assignment that swaps the two gives another level, due date and task decision. The shipped grid and the test
    /// rules are symmetric, so they cannot tell.
    /// </summary>
    [Fact]
    public void Likelihood_picks_the_grid_row_and_impact_the_column()
    {
        _rules.Criteria["grid"] = JsonNode.Parse("""
            [
              ["Low", "Low", "Low", "Low", "Low"],
              ["Low", "Low", "Low", "Low", "Low"],
              ["Medium", "Medium", "Medium", "Medium", "Medium"],
              ["High", "High", "High", "High", "High"],
              ["Critical", "Critical", "Critical", "Critical", "Critical"]
            ]
            """);
        _rules.RuleAt("security.json", 0)["Properties"]!["likelihood"] = 4;
        _rules.RuleAt("security.json", 0)["Properties"]!["impact"] = 2;
        var ruleSet = Load();
        var change = SampleEvents.Change();

        var assessment = new RiskEvaluator(_clock).Evaluate(change, ruleSet);

        var finding = Assert.Single(assessment.Findings);
        Assert.Equal(("SEC-001", "security", "Title of SEC-001", "because"), (finding.RuleId, finding.Category, finding.Title, finding.Rationale));
        Assert.Equal((4, 2, 4, 2, 8), (finding.Likelihood, finding.Impact, finding.BaseLikelihood, finding.BaseImpact, finding.Score));
        Assert.Equal(RiskLevel.High, finding.Level);
        Assert.True(finding.RequiresTreatment);
        Assert.Equal(Treatment.Avoid, finding.Treatment);
        Assert.Equal(Treatment.Avoid, finding.RecommendedTreatment);
        Assert.Equal(SampleEvents.Now.AddDays(30), finding.DueBy);
        Assert.Equal(TaskIds.For(change.EventId, "SEC-001"), finding.TaskId);
        Assert.Equal(["A.6.2.5", "A.6.2.4"], finding.Controls);
        Assert.Equal(["MAP 4.1"], finding.Nist);
        Assert.Equal(("2.1", "Guidance of SEC-001"), (finding.MitDomain, finding.Guidance));
        Assert.Empty(finding.Modifiers);
        Assert.Same(change, assessment.Change);
        Assert.Equal((ruleSet.Version, ruleSet.Hash), (assessment.RuleSetVersion, assessment.RuleSetHash));
        Assert.Empty(assessment.Errors);
        Assert.Empty(assessment.Cleared);
    }

    /// <summary>A system-scoped rule that does not fire although the event has every value it reads is cleared; one whose values are absent is not.</summary>
    [Fact]
    public void Rule_that_does_not_fire_on_its_evidence_is_cleared_and_one_without_evidence_is_not()
    {
        var change = SampleEvents.Change() with
        {
            ChangeType = ChangeType.ModelRetrained,
            Datasets = [new DatasetInfo { Name = "bureau", ContainsPersonalData = true, ConsentBasis = "contract" }],
        };
        var ruleSet = Load();

        var withoutModel = new RiskEvaluator(_clock).Evaluate(change, ruleSet);
        var withModel = new RiskEvaluator(_clock).Evaluate(change with { Model = new ModelInfo { Metrics = new ModelMetrics { Accuracy = 0.9 } } }, ruleSet);

        Assert.Empty(withoutModel.Findings);
        Assert.Equal(["PRIV-001"], withoutModel.Cleared);
        Assert.Empty(withModel.Findings);
        Assert.Equal(["PRIV-001", "PRIV-002"], withModel.Cleared);
    }
}

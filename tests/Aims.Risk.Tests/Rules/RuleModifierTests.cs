using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Rules;

/// <summary>Declared modifiers raise a finding's likelihood and impact in context; the finding says by how much and why.</summary>
public sealed class RuleModifierTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);

    public void Dispose() => _rules.Dispose();

    private static JsonObject Modifier(string when, string reason, int? likelihood = null, int? impact = null)
    {
        var modifier = new JsonObject { ["when"] = when, ["reason"] = reason };
        if (likelihood is { } l)
        {
            modifier["likelihood"] = l;
        }

        if (impact is { } i)
        {
            modifier["impact"] = i;
        }

        return modifier;
    }

    /// <summary>PRIV-002 of the builder: accuracy below 0.8, likelihood 1, impact 2 (Low).</summary>
    private void ModifiersOnPriv002(params JsonObject[] modifiers) =>
        _rules.RuleAt("privacy.json", 1)["Properties"]!["modifiers"] = new JsonArray([.. modifiers]);

    private static AiSystemChanged LowAccuracy(double accuracy, Exposure? exposure) => SampleEvents.Change() with
    {
        ChangeType = ChangeType.ModelRetrained,
        System = SampleEvents.Change().System with { Exposure = exposure },
        Model = new ModelInfo { Metrics = new ModelMetrics { Accuracy = accuracy } },
    };

    [Fact]
    public void Modifiers_that_hold_raise_the_score_within_the_grid_and_the_finding_says_why()
    {
        ModifiersOnPriv002(
            Modifier("change.Model.Metrics.Accuracy < 0.5", "far below the minimum", impact: 3),
            Modifier("change.System.Exposure == \"Public\"", "open to the public", likelihood: 4),
            Modifier("change.System.AffectsIndividuals == true", "affects individuals", impact: 1));

        var finding = Assert.Single(new RiskEvaluator(_clock).Evaluate(LowAccuracy(0.3, Exposure.Public), RuleSetLoader.Load(_rules.Write())).Findings);

        Assert.Equal((1, 2), (finding.BaseLikelihood, finding.BaseImpact));
        Assert.Equal((5, 5, 25, RiskLevel.Critical), (finding.Likelihood, finding.Impact, finding.Score, finding.Level));
        Assert.Equal(["far below the minimum (impact +3)", "open to the public (likelihood +4)"], finding.Modifiers);
        Assert.Equal("Accuracy 0.3. Scored likelihood 5, impact 5 (base 1, 2): far below the minimum (impact +3); open to the public (likelihood +4)", finding.Rationale);
        Assert.True(finding.RequiresTreatment);
        Assert.Equal(SampleEvents.Now.AddDays(7), finding.DueBy);
    }

    [Fact]
    public void Without_a_modifier_that_holds_the_finding_keeps_the_base_score_and_rationale()
    {
        ModifiersOnPriv002(Modifier("change.System.Exposure == \"Public\"", "open to the public", likelihood: 4));

        var finding = Assert.Single(new RiskEvaluator(_clock).Evaluate(LowAccuracy(0.7, Exposure.Internal), RuleSetLoader.Load(_rules.Write())).Findings);

        Assert.Equal((1, 2, RiskLevel.Low), (finding.Likelihood, finding.Impact, finding.Level));
        Assert.Empty(finding.Modifiers);
        Assert.Equal("Accuracy 0.7", finding.Rationale);
        Assert.False(finding.RequiresTreatment);
    }

    [Fact]
    public void A_modifier_that_throws_is_reported_and_not_applied_and_the_finding_stays()
    {
        ModifiersOnPriv002(Modifier("change.Attributes[\"missing\"].Flag == true", "never evaluable", impact: 3));

        var assessment = new RiskEvaluator(_clock).Evaluate(LowAccuracy(0.7, null), RuleSetLoader.Load(_rules.Write()));

        var finding = Assert.Single(assessment.Findings);
        Assert.Equal((1, 2), (finding.Likelihood, finding.Impact));
        var error = Assert.Single(assessment.Errors);
        Assert.Equal("PRIV-002", error.RuleId);
        Assert.StartsWith("modifier 'never evaluable': KeyNotFoundException", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_worst_level_assumes_every_modifier_applies()
    {
        ModifiersOnPriv002(
            Modifier("change.System.AffectsIndividuals == true", "affects individuals", likelihood: 2, impact: 1),
            Modifier("change.System.Exposure == \"Public\"", "public", likelihood: 1, impact: 1));

        var rule = RuleSetLoader.Load(_rules.Write()).Rules.Single(r => r.Definition.Id == "PRIV-002");

        Assert.Equal(RiskLevel.Low, rule.Level);
        Assert.Equal(RiskLevel.High, rule.WorstLevel); // likelihood 4, impact 4
        Assert.Equal(2, rule.Definition.Modifiers.Count);
        Assert.Equal("affects individuals (likelihood +2, impact +1)", rule.Definition.Modifiers[0].Describe());
    }

    [Theory]
    [InlineData("""{ "when": "change.System.AffectsIndividuals == true", "impact": 1 }""", "modifiers[1].reason: a non-empty string is required")]
    [InlineData("""{ "reason": "r", "impact": 1 }""", "modifiers[1].when: a non-empty string is required")]
    [InlineData("""{ "when": "change.System.AffectsIndividuals == true", "reason": "r" }""", "modifiers[1]: raises neither likelihood nor impact")]
    [InlineData("""{ "when": "change.System.AffectsIndividuals == true", "reason": "r", "impact": 5 }""", "modifiers[1].impact: a whole number of steps from 0 to 4")]
    [InlineData("""{ "when": "change.System.AffectsIndividuals == true", "reason": "r", "likelihood": -1 }""", "modifiers[1].likelihood: a whole number of steps from 0 to 4")]
    [InlineData("""{ "when": "change.System.AffectsIndividuals == true", "reason": "r", "impact": 1, "level": "High" }""", "modifiers[1]: unknown key 'level'")]
    [InlineData("""{ "when": "change.System.NoSuchField == true", "reason": "r", "impact": 1 }""", "modifiers[1].when does not compile")]
    [InlineData("""{ "when": "change.GetType() != null", "reason": "r", "impact": 1 }""", "modifiers[1].when ")]
    [InlineData("""{ "when": "change.ChangeType == \"ModelDeployed\"", "reason": "r", "impact": 1 }""", "modifiers[1]: a system-scoped rule's level may not depend on the change type")]
    [InlineData(""" "not an object" """, "modifiers[1]: an object with when")]
    public void A_bad_modifier_is_refused_with_the_rule_and_the_reason(string modifier, string expected)
    {
        _rules.RuleAt("privacy.json", 1)["Properties"]!["modifiers"] = new JsonArray(JsonNode.Parse(modifier));

        var error = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains(error.Errors, e => e.RuleId == "PRIV-002" && e.Message.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_change_scoped_rule_may_raise_its_level_by_change_type()
    {
        _rules.RuleAt("security.json", 0)["Properties"]!["modifiers"] = new JsonArray(
            Modifier("change.ChangeType == \"ModelDeployed\"", "in production", likelihood: 1));

        var rule = RuleSetLoader.Load(_rules.Write()).Rules.Single(r => r.Definition.Id == "SEC-001");

        Assert.Equal(RuleScope.Change, rule.Definition.Scope);
        Assert.Single(rule.Definition.Modifiers);
    }

    [Fact]
    public void More_than_eight_modifiers_are_refused()
    {
        ModifiersOnPriv002([.. Enumerable.Range(0, 9).Select(i => Modifier("change.System.AffectsIndividuals == true", $"r{i}", impact: 1))]);

        var error = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains(error.Errors, e => e.RuleId == "PRIV-002" && e.Message.StartsWith("modifiers: a list of at most 8", StringComparison.Ordinal));
    }
}

using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Scoring;

/// <summary>Rules and modifiers that fail: every failure is kept, and a failed rule neither fires nor clears.</summary>
public sealed class RiskEvaluatorErrorTests : IDisposable
{
    /// <summary>Throws DivideByZeroException when the event has exactly one critical vulnerability, a value the rule reads.</summary>
    private const string DividesByZero = "change.Security.CriticalVulnerabilities / (change.Security.CriticalVulnerabilities - 1) > 0";

    private readonly RuleSetBuilder _rules = new();
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);

    public void Dispose() => _rules.Dispose();

    private static AiSystemChanged OneCriticalVulnerability => SampleEvents.Change() with { Security = new SecurityInfo { CriticalVulnerabilities = 1 } };

    [Fact]
    public void Every_rule_and_modifier_that_throws_is_reported_in_rule_order()
    {
        _rules.RuleAt("privacy.json", 0)["Expression"] = DividesByZero;
        _rules.RuleAt("privacy.json", 1)["Expression"] = DividesByZero;
        _rules.RuleAt("security.json", 0)["Properties"]!["modifiers"] = new JsonArray(
            new JsonObject { ["when"] = "change.Attributes[\"missing\"].Flag == true", ["reason"] = "never evaluable", ["impact"] = 1 });

        var assessment = new RiskEvaluator(_clock).Evaluate(OneCriticalVulnerability, RuleSetLoader.Load(_rules.Write()));

        Assert.Equal(["PRIV-001", "PRIV-002", "SEC-001"], assessment.Errors.Select(e => e.RuleId));
        Assert.StartsWith("DivideByZeroException: ", assessment.Errors[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("DivideByZeroException: ", assessment.Errors[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("modifier 'never evaluable': KeyNotFoundException", assessment.Errors[2].Message, StringComparison.Ordinal);
        Assert.Equal("SEC-001", Assert.Single(assessment.Findings).RuleId);
    }

    /// <summary>The event carries every value the rule reads, so a rule that merely did not fire would be cleared; one that threw is not.</summary>
    [Fact]
    public void A_rule_that_throws_on_its_own_evidence_is_not_cleared()
    {
        _rules.RuleAt("privacy.json", 0)["Expression"] = DividesByZero;
        var ruleSet = RuleSetLoader.Load(_rules.Write());
        var evaluator = new RiskEvaluator(_clock);

        var threw = evaluator.Evaluate(OneCriticalVulnerability, ruleSet);
        var didNotFire = evaluator.Evaluate(SampleEvents.Change() with { Security = new SecurityInfo { CriticalVulnerabilities = 0 } }, ruleSet);

        Assert.Equal("PRIV-001", Assert.Single(threw.Errors).RuleId);
        Assert.DoesNotContain("PRIV-001", threw.Cleared);
        Assert.Empty(didNotFire.Errors);
        Assert.Contains("PRIV-001", didNotFire.Cleared);
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        var evaluator = new RiskEvaluator(_clock);
        var ruleSet = RuleSetLoader.Load(_rules.Write());

        Assert.Throws<ArgumentNullException>("change", () => evaluator.Evaluate(null!, ruleSet));
        Assert.Throws<ArgumentNullException>("ruleSet", () => evaluator.Evaluate(SampleEvents.Change(), null!));
        Assert.Throws<ArgumentNullException>("ruleId", () => TaskIds.For(Guid.NewGuid(), null!));
    }

    [Fact]
    public void Criteria_refuse_a_null_grid_or_due_days_and_say_what_size_the_grid_must_be()
    {
        var dueDays = new Dictionary<RiskLevel, int> { [RiskLevel.Low] = 1, [RiskLevel.Medium] = 1, [RiskLevel.High] = 1, [RiskLevel.Critical] = 1 };

        Assert.Throws<ArgumentNullException>("grid", () => new RiskCriteria(null!, RiskLevel.Medium, dueDays));
        Assert.Throws<ArgumentNullException>("dueDays", () => new RiskCriteria(new RiskLevel[5, 5], RiskLevel.Medium, null!));
        var wrongSize = Assert.Throws<ArgumentException>("grid", () => new RiskCriteria(new RiskLevel[4, 4], RiskLevel.Medium, dueDays));
        Assert.StartsWith("the grid must be 5×5", wrongSize.Message, StringComparison.Ordinal);
    }
}

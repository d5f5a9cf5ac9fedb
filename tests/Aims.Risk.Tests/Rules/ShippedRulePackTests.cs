using System.Text.RegularExpressions;
using Aims.Risk.Cli;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Cli;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Rules;

/// <summary>The rule pack in rules/ as it ships: valid, tested, and as broad as the issue asks.</summary>
public sealed partial class ShippedRulePackTests
{
    private static readonly Lazy<RuleSet> Pack = new(() => RuleSetLoader.Load(RepositoryRoot.Rules));

    [Fact]
    public async Task Rules_validate_passes_on_the_shipped_pack()
    {
        var (code, output, error) = await CliRunner.Run("rules", "validate");

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.StartsWith("valid: aims-risk-default", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_validate_prints_the_coverage_figures()
    {
        var (code, output, error) = await CliRunner.Run("rules", "validate");

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.Contains($"coverage: {RulePackCoverage.Of(Pack.Value)}", output, StringComparison.Ordinal);
        Assert.Contains("ISO/IEC 42001 Annex A 38/38 controls", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_test_passes_on_the_shipped_pack()
    {
        var (code, output, error) = await CliRunner.Run("rules", "test");

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.StartsWith("passed:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_has_at_least_40_rules_and_8_per_category()
    {
        Assert.True(Pack.Value.Rules.Count >= 40, $"{Pack.Value.Rules.Count} rules");
        foreach (var category in RuleSetLoader.Categories)
        {
            var count = Pack.Value.Rules.Count(r => r.Definition.Category == category);
            Assert.True(count >= 8, $"{category}: {count} rules");
        }
    }

    [Fact]
    public void Pack_cites_most_of_annex_a()
    {
        var cited = Pack.Value.Rules.SelectMany(r => r.Definition.Controls).Distinct().Count();

        Assert.True(cited >= 30, $"{cited} of {ReferenceData.AnnexAControls.Count} Annex A controls cited");
    }

    [Fact]
    public void Pack_spans_every_level()
    {
        var levels = Pack.Value.Rules.Select(r => r.Level).Distinct().Count();

        Assert.Equal(4, levels);
    }

    [GeneratedRegex(@"\d+\.\d+|\d+ ?%|\d+ points|\(\d")]
    private static partial Regex Threshold();

    [Fact]
    public void Titles_do_not_hard_code_the_thresholds_their_expressions_own()
    {
        // Article numbers such as "Art. 50(1)" are citations, not thresholds.
        var offenders = Pack.Value.Rules.Where(r => Threshold().IsMatch(Regex.Replace(r.Definition.Title, @"Art\. \d+(\(\d+\))?", "")))
            .Select(r => $"{r.Definition.Id}: {r.Definition.Title}");

        Assert.Empty(offenders);
    }

    [Fact]
    public void Every_rule_carries_guidance_that_says_what_closes_it()
    {
        var offenders = Pack.Value.Rules
            .Where(r => r.Definition.Guidance.Length < 80 || !(r.Definition.Guidance.Contains("Closes when", StringComparison.Ordinal) || r.Definition.Guidance.Contains("Close the task", StringComparison.Ordinal) || r.Definition.Treatment == Treatment.Accept))
            .Select(r => r.Definition.Id);

        Assert.Empty(offenders);
    }

    [Fact]
    public void Transfer_is_not_recommended_where_a_control_is_meant()
    {
        // ISO 31000: transfer shares the consequences (insurance, a liability clause); writing an agreement or
        // doing an assessment is a control, so it is Mitigate.
        var offenders = Pack.Value.Rules
            .Where(r => r.Definition.Treatment == Treatment.Transfer
                && !(r.Definition.Guidance.Contains("insurance", StringComparison.OrdinalIgnoreCase) || r.Definition.Guidance.Contains("indemnit", StringComparison.OrdinalIgnoreCase)))
            .Select(r => r.Definition.Id);

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_worst_realistic_cases_can_reach_critical()
    {
        var critical = Pack.Value.Rules.Where(r => r.WorstLevel == RiskLevel.Critical && r.Level < RiskLevel.Critical).Select(r => r.Definition.Id).ToList();

        Assert.Contains("ETH-003", critical);
        Assert.Contains("ETH-010", critical);
        Assert.Contains("ETH-002", critical);
        Assert.True(critical.Count >= 10, string.Join(", ", critical));
    }

    [Fact]
    public void Fully_automated_high_risk_credit_decision_over_the_fairness_tolerance_is_critical_and_says_why()
    {
        var change = AiSystemChangedReader.Read(File.ReadAllBytes(Path.Combine(RepositoryRoot.Rules, "examples", "automated-credit-decision.json")), new FakeTimeProvider(SampleEvents.Now));

        var findings = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now)).Evaluate(change, Pack.Value).Findings.ToDictionary(f => f.RuleId);

        var oversight = findings["ETH-003"];
        Assert.Equal(RiskLevel.Critical, oversight.Level);
        Assert.Equal((3, 4, 4, 5), (oversight.BaseLikelihood, oversight.BaseImpact, oversight.Likelihood, oversight.Impact));
        Assert.Equal(["EU AI Act high-risk use: human oversight is required (Art. 14) (likelihood +1, impact +1)"], oversight.Modifiers);
        Assert.EndsWith("Scored likelihood 4, impact 5 (base 3, 4): EU AI Act high-risk use: human oversight is required (Art. 14) (likelihood +1, impact +1)", oversight.Rationale, StringComparison.Ordinal);
        Assert.Equal(RiskLevel.Critical, findings["ETH-002"].Level);
        Assert.Equal(RiskLevel.Critical, findings["ETH-010"].Level);
        Assert.False(string.IsNullOrWhiteSpace(oversight.Guidance));
    }

    [Fact]
    public async Task Every_example_event_is_valid_and_assessable()
    {
        var (code, _, error) = await CliRunner.Run("assess", Path.Combine(RepositoryRoot.Rules, "examples"));

        Assert.True(code == AimsRiskCli.Success, error);
    }
}

using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Cli;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Rules;

/// <summary>
/// Bounded output: a rationale template cannot multiply an event's text into megabytes. Templates that could are
/// refused at load (and so by <c>rules validate</c> and <c>rules test</c>); the rest is cut at fixed caps when rendered.
/// </summary>
public sealed class RationaleBoundsTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    /// <summary>An event whose purpose is the longest text the reader accepts, so that the rules below fire.</summary>
    private static AiSystemChanged Longest() => SampleEvents.Change() with
    {
        System = new AiSystem { Id = "s", Name = "n", Owner = "o", Purpose = new string('p', 4096) },
        Datasets = [.. Enumerable.Range(0, 1000).Select(i => new DatasetInfo { Name = new string('d', 200) + i })],
    };

    private void UseRationale(string rationale) =>
        _rules.Workflows["privacy.json"] = RuleSetBuilder.Workflow("privacy",
            RuleSetBuilder.Rule("PRIV-001", "change.System.Purpose != null", "privacy", rationale: rationale));

    private static IReadOnlyList<Finding> Evaluate(RuleSet ruleSet) =>
        new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now)).Evaluate(Longest(), ruleSet).Findings;

    [Fact]
    public void A_template_at_every_load_limit_renders_within_the_rationale_cap()
    {
        UseRationale(string.Concat(Enumerable.Repeat("{change.System.Purpose} ", RationaleTemplate.MaxPlaceholders)));

        var rationale = Evaluate(RuleSetLoader.Load(_rules.Write())).Single(f => f.RuleId == "PRIV-001").Rationale;

        // 16 placeholders of 4,096 characters: 65,000 characters uncut.
        Assert.Equal(RationaleTemplate.MaxRenderedChars + 1, rationale.Length);
        Assert.EndsWith("…", rationale, StringComparison.Ordinal);
        Assert.All(rationale.Split(' ')[..^1], part => Assert.Equal(RationaleTemplate.MaxPlaceholderChars + 1, part.Length));
    }

    [Fact]
    public void A_listed_placeholder_stops_at_its_cap()
    {
        UseRationale("{change.Datasets.Select(d => d.Name)}");

        var rationale = Evaluate(RuleSetLoader.Load(_rules.Write())).Single(f => f.RuleId == "PRIV-001").Rationale;

        Assert.True(rationale.Length <= RationaleTemplate.MaxPlaceholderChars + 1, $"{rationale.Length} characters");
        Assert.EndsWith("…", rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rationales_of_one_event_together_stay_within_the_event_budget()
    {
        // 100 rules, each rendering 4,000 characters: 400,000 uncut, above the per-event budget.
        var template = string.Concat(Enumerable.Repeat("{change.System.Purpose}", 4));
        _rules.Workflows["privacy.json"] = RuleSetBuilder.Workflow("privacy",
            [.. Enumerable.Range(100, 100).Select(i => RuleSetBuilder.Rule($"PRIV-{i:000}", "change.System.Purpose != null", "privacy", rationale: template))]);

        var findings = Evaluate(RuleSetLoader.Load(_rules.Write()));

        Assert.Equal(100, findings.Count(f => f.RuleId.StartsWith("PRIV-", StringComparison.Ordinal)));
        var total = findings.Sum(f => f.Rationale.Length);
        Assert.InRange(total, RationaleBudget.DefaultChars, RationaleBudget.DefaultChars + findings.Count);
        Assert.Equal("…", findings[^1].Rationale);
    }

    [Theory]
    [InlineData("{change.Datasets.Select(d => change.Datasets.Select(e => e.Name))}", "lists lists")]
    [InlineData("{change.Datasets.Where(d => d.Name != null).Select(d => change.Datasets.Select(e => e.Licence))}", "lists lists")]
    [InlineData("{change.Datasets.Select(d => change.Datasets)}", "lists lists")]
    public void A_template_whose_expansion_is_unbounded_is_refused_at_load_naming_the_rule(string rationale, string expected)
    {
        UseRationale(rationale);

        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains(ex.Errors, e => e.RuleId == "PRIV-001" && e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_template_too_long_or_with_too_many_placeholders_is_refused_at_load()
    {
        UseRationale(new string('x', RationaleTemplate.MaxTemplateChars + 1));
        var tooLong = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));
        UseRationale(string.Concat(Enumerable.Repeat("{change.System.Id}", RationaleTemplate.MaxPlaceholders + 1)));
        var tooMany = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains(tooLong.Errors, e => e.RuleId == "PRIV-001" && e.Message.Contains($"rationale: {RationaleTemplate.MaxTemplateChars + 1} characters; the limit is {RationaleTemplate.MaxTemplateChars}", StringComparison.Ordinal));
        Assert.Contains(tooMany.Errors, e => e.RuleId == "PRIV-001" && e.Message.Contains($"more than {RationaleTemplate.MaxPlaceholders} placeholders", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_set_above_the_rule_count_limit_is_refused_and_one_at_it_is_loaded()
    {
        var folder = _rules.Write();

        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(folder, maxRules: 2));
        var atLimit = RuleSetLoader.Load(folder, maxRules: 3);

        Assert.Contains(ex.Errors, e => e.Message == "the rule set has 3 enabled rules; the limit is 2 (Rules:MaxRules)");
        Assert.Equal(3, atLimit.Rules.Count);
    }

    [Fact]
    public async Task Rules_test_and_validate_refuse_an_unbounded_template_and_a_rule_set_above_the_configured_count()
    {
        UseRationale("{change.Datasets.Select(d => change.Datasets.Select(e => e.Name))}");
        var folder = _rules.Write();

        var (testCode, _, testError) = await CliRunner.Run("rules", "test", "--rules", folder);
        _rules.Workflows["privacy.json"] = RuleSetBuilder.Workflow("privacy", RuleSetBuilder.Rule("PRIV-001", "change.System.Purpose != null", "privacy"));
        _rules.Write();
        var (countCode, _, countError) = await CliRunner.RunWith(new Dictionary<string, string?> { ["Rules:MaxRules"] = "1" }, "rules", "validate", "--rules", folder);
        var (badCode, _, badError) = await CliRunner.RunWith(new Dictionary<string, string?> { ["Rules:MaxRules"] = "many" }, "rules", "validate", "--rules", folder);

        Assert.Equal((1, 1, 1), (testCode, countCode, badCode));
        Assert.Contains("PRIV-001", testError, StringComparison.Ordinal);
        Assert.Contains("lists lists", testError, StringComparison.Ordinal);
        Assert.Contains("the limit is 1 (Rules:MaxRules)", countError, StringComparison.Ordinal);
        Assert.Contains("Rules:MaxRules must be from 1 to 100000, not 'many'", badError, StringComparison.Ordinal);
    }
}

using Aims.Risk.Cli;
using Aims.Risk.Core.Rules;
using Aims.Risk.Tests.Cli;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Rules;

/// <summary>The rule pack in rules/ as it ships: valid, tested, and as broad as the issue asks.</summary>
public sealed class ShippedRulePackTests
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

    [Fact]
    public async Task Every_example_event_is_valid_and_assessable()
    {
        var (code, _, error) = await CliRunner.Run("assess", Path.Combine(RepositoryRoot.Rules, "examples"));

        Assert.True(code == AimsRiskCli.Success, error);
    }
}

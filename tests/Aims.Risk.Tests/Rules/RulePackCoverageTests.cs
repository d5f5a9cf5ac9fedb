using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Rules;

/// <summary>How much of the reference lists the pack cites: the figures the rule pack promises, computed, not counted by hand.</summary>
public sealed class RulePackCoverageTests : IDisposable
{
    private static readonly Lazy<RuleSet> Pack = new(() => RuleSetLoader.Load(RepositoryRoot.Rules));

    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Reference_lists_have_the_published_sizes()
    {
        Assert.Equal(38, ReferenceData.AnnexAControls.Count);
        Assert.Equal(72, ReferenceData.NistSubcategories.Count);
        Assert.Equal(24, ReferenceData.MitSubdomains.Count);
        Assert.Equal(7, ReferenceData.MitDomains.Count);
        Assert.Equal("Quality of data for AI systems", ReferenceData.AnnexATitles["A.7.4"]);
    }

    [Fact]
    public void Shipped_pack_covers_20_MIT_subdomains_all_domains_55_NIST_subcategories_and_all_of_annex_a()
    {
        var coverage = RulePackCoverage.Of(Pack.Value);

        Assert.True(coverage.MitSubdomains.Count >= 20, $"MIT subdomains: {coverage.MitSubdomains.Count}; missing {string.Join(", ", ReferenceData.MitSubdomains.Except(coverage.MitSubdomains).Order())}");
        Assert.Equal(ReferenceData.MitDomains.Count, coverage.MitDomains.Count);
        Assert.True(coverage.NistSubcategories.Count >= 55, $"NIST subcategories: {coverage.NistSubcategories.Count}");
        Assert.Equal(ReferenceData.AnnexAControls.Count, coverage.AnnexAControls.Count);
        Assert.True(coverage.ControlsCitedOnce.Count == 0, $"cited by one rule only: {string.Join(", ", coverage.ControlsCitedOnce)}");
    }

    [Fact]
    public void Coverage_counts_what_the_enabled_rules_cite()
    {
        // PRIV-001, PRIV-002: A.7.2, MAP 4.1, MIT 2.1; SEC-001: A.6.2.5, A.6.2.4 with MIT 7.3; PRIV-002 also cites MEASURE 2.10.
        _rules.RuleAt("security.json", 0)["Properties"]!["mitDomain"] = "7.3";
        _rules.RuleAt("privacy.json", 1)["Properties"]!["nist"] = new System.Text.Json.Nodes.JsonArray("MAP 4.1", "MEASURE 2.10");
        var coverage = RulePackCoverage.Of(RuleSetLoader.Load(_rules.Write()));

        Assert.Equal(["2.1", "7.3"], coverage.MitSubdomains.Order());
        Assert.Equal(["2", "7"], coverage.MitDomains.Order());
        Assert.Equal(["MAP 4.1", "MEASURE 2.10"], coverage.NistSubcategories.Order());
        Assert.Equal(["A.6.2.4", "A.6.2.5", "A.7.2"], coverage.AnnexAControls.Order());
        Assert.Equal(["A.6.2.4", "A.6.2.5"], coverage.ControlsCitedOnce);
        Assert.Equal(
            "MIT AI Risk Repository 2/24 subdomains, 2/7 domains; NIST AI RMF 2/72 subcategories; ISO/IEC 42001 Annex A 3/38 controls, cited by one rule only: A.6.2.4, A.6.2.5",
            coverage.ToString());
    }

    [Fact]
    public void A_disabled_rule_does_not_count()
    {
        _rules.RuleAt("security.json", 0)["Enabled"] = false;

        var coverage = RulePackCoverage.Of(RuleSetLoader.Load(_rules.Write()));

        Assert.Equal(["A.7.2"], coverage.AnnexAControls);
        Assert.Empty(coverage.ControlsCitedOnce);
    }
}

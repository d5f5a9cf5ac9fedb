using System.Text.Json.Nodes;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Rules;

/// <summary>Version discipline: one content per version, and a changelog entry when the criteria change.</summary>
public sealed class RuleSetVersionCheckTests : IDisposable
{
    private static readonly DateTimeOffset Then = SampleEvents.Now.AddDays(-30);

    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Changed_content_under_an_archived_version_is_refused_naming_both_hashes()
    {
        var archived = Archive(Load());
        _rules.RuleAt("privacy.json", 1)["Properties"]!["likelihood"] = 3;

        var changed = Load();
        var error = Assert.Single(RuleSetVersionCheck.Check(changed, [archived]));

        Assert.Equal(archived.Version, changed.Version);
        Assert.Contains(archived.Hash, error.Message, StringComparison.Ordinal);
        Assert.Contains(changed.Hash, error.Message, StringComparison.Ordinal);
        Assert.Contains("bump", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_archived_content_itself_passes_even_when_its_version_has_other_hashes_too()
    {
        // Registers from before the discipline may hold two contents under one version; either may come back.
        var ruleSet = Load();
        var other = new RuleSetArchive(ruleSet.Version, new string('0', 64), "{}", Then.AddDays(1));

        Assert.Empty(RuleSetVersionCheck.Check(ruleSet, [Archive(ruleSet), other]));
    }

    [Fact]
    public void A_new_version_with_the_same_criteria_needs_no_changelog_entry()
    {
        var archived = Archive(Load());
        _rules.Manifest["version"] = "1.2.4";
        _rules.RuleAt("privacy.json", 1)["Properties"]!["likelihood"] = 3;

        Assert.Empty(RuleSetVersionCheck.Check(Load(), [archived]));
    }

    [Fact]
    public void A_new_version_with_changed_criteria_and_no_changelog_entry_is_refused()
    {
        var archived = Archive(Load());
        _rules.Manifest["version"] = "1.3.0";
        _rules.Criteria["acceptanceThreshold"] = "High";
        _rules.Manifest["changelog"] = new JsonArray(Entry("1.2.3"));

        var error = Assert.Single(RuleSetVersionCheck.Check(Load(), [archived]));

        Assert.Contains("criteria differ from version 1.2.3", error.Message, StringComparison.Ordinal);
        Assert.Contains("changelog entry for version 1.3.0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dueDays")]
    [InlineData("grid")]
    [InlineData("maxAcceptanceDays")]
    public void Every_criterion_counts_as_a_change_of_the_criteria(string criterion)
    {
        var archived = Archive(Load());
        _rules.Manifest["version"] = "1.3.0";
        switch (criterion)
        {
            case "dueDays":
                _rules.Criteria["dueDays"]!["High"] = 14;
                break;
            case "grid":
                _rules.Criteria["grid"]![0]![0] = "Medium";
                _rules.Criteria["grid"]![0]![1] = "Medium";
                _rules.Criteria["grid"]![0]![2] = "Medium";
                _rules.Criteria["grid"]![1]![0] = "Medium";
                _rules.Criteria["grid"]![1]![1] = "Medium";
                _rules.Criteria["grid"]![2]![0] = "Medium";
                break;
            default:
                _rules.Criteria["maxAcceptanceDays"] = 180;
                break;
        }

        Assert.Single(RuleSetVersionCheck.Check(Load(), [archived]));
    }

    [Fact]
    public void A_changelog_entry_for_the_new_version_admits_changed_criteria()
    {
        var archived = Archive(Load());
        _rules.Manifest["version"] = "1.3.0";
        _rules.Criteria["acceptanceThreshold"] = "High";
        _rules.Manifest["changelog"] = new JsonArray(Entry("1.3.0"));

        Assert.Empty(RuleSetVersionCheck.Check(Load(), [archived]));
    }

    [Fact]
    public void Criteria_rewritten_without_a_change_of_meaning_are_the_same_criteria()
    {
        var archived = Archive(Load());
        _rules.Manifest["version"] = "1.2.4";
        _rules.Criteria["$schema"] = "./schemas/criteria.schema.json";
        _rules.Criteria["maxAcceptanceDays"] = RiskCriteria.DefaultMaxAcceptanceDays;

        Assert.Empty(RuleSetVersionCheck.Check(Load(), [archived]));
    }

    [Fact]
    public void The_criteria_are_compared_with_the_latest_activation_of_another_version()
    {
        var first = Archive(Load());
        _rules.Manifest["version"] = "1.3.0";
        _rules.Criteria["acceptanceThreshold"] = "High";
        _rules.Manifest["changelog"] = new JsonArray(Entry("1.3.0"));
        var second = Archive(Load(), Then.AddDays(1));
        _rules.Manifest["version"] = "1.3.1";
        _rules.Manifest["changelog"] = new JsonArray(Entry("1.3.0"));

        // 1.3.1 keeps the criteria of 1.3.0 (High): no entry needed, although they differ from 1.2.3's.
        Assert.Empty(RuleSetVersionCheck.Check(Load(), [first, second]));
    }

    [Fact]
    public async Task Hot_reload_refuses_a_changed_rule_set_under_the_archived_version_and_keeps_the_active_one()
    {
        _rules.WriteTests(ProviderTestCases);
        var register = new ArchiveStore();
        using var provider = new RuleSetProvider(
            Options.Create(new RulesOptions { Path = _rules.Write() }),
            register,
            new FakeTimeProvider(SampleEvents.Now),
            NullLogger<RuleSetProvider>.Instance);
        Assert.True(await provider.TryActivateAsync(default));
        var active = provider.Current;

        _rules.RuleAt("privacy.json", 1)["Properties"]!["impact"] = 3;
        _rules.Write();
        var refused = await provider.TryActivateAsync(default);

        Assert.False(refused);
        Assert.Same(active, provider.Current);
        var error = Assert.Single(provider.LastRefusal!);
        Assert.Contains(active.Hash, error.Message, StringComparison.Ordinal);
        Assert.Single(register.Archived);

        _rules.Manifest["version"] = "1.2.4";
        _rules.Write();
        Assert.True(await provider.TryActivateAsync(default));
        Assert.Equal("1.2.4", provider.Current.Version);
        Assert.Equal(2, register.Archived.Count);
    }

    private const string ProviderTestCases = """
        { "cases": [
          { "name": "fires all", "event": { "eventId": "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "occurredAt": "2026-11-29T11:00:00Z", "source": "ci",
                       "changeType": "ModelDeployed", "system": { "id": "s", "name": "S", "owner": "o" },
                       "datasets": [ { "name": "d", "containsPersonalData": true } ], "model": { "metrics": { "accuracy": 0.5 } } },
            "mustFire": ["PRIV-001", "PRIV-002", "SEC-001"] },
          { "name": "fires none", "event": { "eventId": "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "occurredAt": "2026-11-29T11:00:00Z", "source": "ci",
                       "changeType": "ModelRetrained", "system": { "id": "s", "name": "S", "owner": "o" } },
            "mustNotFire": ["PRIV-001", "PRIV-002", "SEC-001"] }
        ] }
        """;

    private static JsonObject Entry(string version) => new()
    {
        ["version"] = version,
        ["date"] = "2026-11-29",
        ["author"] = "rule author",
        ["approver"] = "risk owner",
        ["summary"] = "raised the acceptance threshold",
    };

    private static RuleSetArchive Archive(RuleSet ruleSet, DateTimeOffset? at = null) => new(ruleSet.Version, ruleSet.Hash, ruleSet.Content, at ?? Then);

    private RuleSet Load() => RuleSetLoader.Load(_rules.Write());

    private sealed class ArchiveStore : RegisterStub
    {
        public List<RuleSetArchive> Archived { get; } = [];

        public override Task ArchiveRuleSetAsync(RuleSetArchive ruleSet, CancellationToken cancellationToken)
        {
            Archived.Add(ruleSet);
            return Task.CompletedTask;
        }

        public override Task<IReadOnlyList<RuleSetArchive>> ReadRuleSetsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RuleSetArchive>>([.. Archived]);
    }
}

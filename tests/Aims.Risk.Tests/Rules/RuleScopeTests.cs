using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Rules;

/// <summary>A rule's scope and the evidence it reads decide whether an event that does not fire it resolves its risk.</summary>
public sealed class RuleScopeTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("\"System\"")]
    [InlineData("\"event\"")]
    [InlineData("1")]
    public void Scope_is_required_and_must_be_system_or_change(string? value)
    {
        var properties = _rules.RuleAt("privacy.json", 0)["Properties"]!.AsObject();
        properties.Remove("scope");
        if (value is not null)
        {
            properties["scope"] = JsonNode.Parse(value);
        }

        var error = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));
        Assert.Contains(error.Errors, e => e.RuleId == "PRIV-001" && e.Message.StartsWith("scope: 'system'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_system_scoped_rule_may_not_read_the_change_type()
    {
        _rules.RuleAt("security.json", 0)["Properties"]!["scope"] = "system";

        var error = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));
        Assert.Contains(error.Errors, e => e.RuleId == "SEC-001" && e.Message.Contains("may not read change.ChangeType", StringComparison.Ordinal));
    }

    [Fact]
    public void Guidance_is_required_and_not_empty()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!.AsObject().Remove("guidance");
        _rules.RuleAt("privacy.json", 1)["Properties"]!["guidance"] = " ";

        var error = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));
        Assert.Contains(error.Errors, e => e.RuleId == "PRIV-001" && e.Message.StartsWith("guidance: a non-empty string is required", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.RuleId == "PRIV-002" && e.Message.StartsWith("guidance:", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Errors, e => e.RuleId == "SEC-001");
    }

    [Fact]
    public void Scope_and_guidance_reach_the_definition()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["guidance"] = "Record the consent basis of each dataset.";
        var ruleSet = RuleSetLoader.Load(_rules.Write());

        Assert.Equal(RuleScope.System, Rule(ruleSet, "PRIV-001").Definition.Scope);
        Assert.Equal("Record the consent basis of each dataset.", Rule(ruleSet, "PRIV-001").Definition.Guidance);
        Assert.Equal(RuleScope.Change, Rule(ruleSet, "SEC-001").Definition.Scope);
        Assert.Equal("Guidance of SEC-001", Rule(ruleSet, "SEC-001").Definition.Guidance);
    }

    [Fact]
    public void Evidence_lists_the_values_the_expression_reads()
    {
        _rules.Workflows["security.json"] = RuleSetBuilder.Workflow("security",
            RuleSetBuilder.Rule("SEC-002", "change.Security.ArtifactSigned != true && !(change.Attributes.ContainsKey(\"dpia\") && change.Attributes[\"dpia\"].Flag == true)", "security"));
        var ruleSet = RuleSetLoader.Load(_rules.Write());

        Assert.Equal(["Datasets"], Rule(ruleSet, "PRIV-001").Evidence);
        Assert.Equal(["Model.Metrics.Accuracy"], Rule(ruleSet, "PRIV-002").Evidence);
        Assert.Equal(["Security.ArtifactSigned", "Attributes", "Attributes[\"dpia\"].Flag"], Rule(ruleSet, "SEC-002").Evidence);
    }

    [Fact]
    public void A_system_scoped_rule_clears_only_when_the_event_carries_its_evidence_and_it_does_not_fire()
    {
        var rule = Rule(RuleSetLoader.Load(_rules.Write()), "PRIV-002"); // change.Model.Metrics.Accuracy < 0.8

        Assert.True(rule.Clears(Normalized(accuracy: 0.9)));
        Assert.False(rule.Clears(Normalized(accuracy: 0.5)), "it fires: the risk holds");
        Assert.False(rule.Clears(Normalized(accuracy: null)), "no evidence: silence resolves nothing");
    }

    [Fact]
    public void A_collection_is_evidence_only_when_it_has_items()
    {
        var rule = Rule(RuleSetLoader.Load(_rules.Write()), "PRIV-001");
        var withConsent = new DatasetInfo { Name = "loans", ContainsPersonalData = true, ConsentBasis = "contract" };

        Assert.False(rule.Clears(Normalized(datasets: [])));
        Assert.True(rule.Clears(Normalized(datasets: [withConsent])));
    }

    [Fact]
    public void A_change_scoped_rule_never_clears()
    {
        var rule = Rule(RuleSetLoader.Load(_rules.Write()), "SEC-001");
        var signed = Normalized() with { Security = new SecurityInfo { ArtifactSigned = true } };

        Assert.False(rule.Fires(signed));
        Assert.False(rule.Clears(signed));
    }

    [Fact]
    public void An_attribute_is_evidence_only_when_its_key_is_there()
    {
        _rules.Workflows["security.json"] = RuleSetBuilder.Workflow("security",
            RuleSetBuilder.Rule("SEC-002", "!(change.Attributes.ContainsKey(\"dpia\") && change.Attributes[\"dpia\"].Flag == true)", "security"));
        var rule = Rule(RuleSetLoader.Load(_rules.Write()), "SEC-002");

        Assert.False(rule.Clears(Normalized() with { Attributes = new Dictionary<string, AttributeValue> { ["other"] = AttributeValue.Of(true) } }));
        Assert.True(rule.Clears(Normalized() with { Attributes = new Dictionary<string, AttributeValue> { ["dpia"] = AttributeValue.Of(true) } }));
    }

    [Fact]
    public void Every_rule_of_the_shipped_pack_declares_a_scope_and_system_rules_read_no_change_type()
    {
        var pack = RuleSetLoader.Load(RepositoryRoot.Rules);

        Assert.Contains(pack.Rules, r => r.Definition.Scope == RuleScope.System);
        Assert.Contains(pack.Rules, r => r.Definition.Scope == RuleScope.Change);
        Assert.All(pack.Rules.Where(r => r.Definition.Scope == RuleScope.System), r => Assert.DoesNotContain("ChangeType", r.Definition.Expression, StringComparison.Ordinal));
    }

    private static CompiledRule Rule(RuleSet ruleSet, string id) => ruleSet.Rules.Single(r => r.Definition.Id == id);

    private static AiSystemChanged Normalized(double? accuracy = null, IReadOnlyList<DatasetInfo>? datasets = null) =>
        EventNormalizer.Normalize(new AiSystemChanged
        {
            EventId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UnixEpoch,
            Source = "tests",
            ChangeType = ChangeType.ConfigurationChanged,
            System = new AiSystem { Id = "s", Name = "S", Owner = "o@example.com" },
            Model = new ModelInfo { Metrics = new ModelMetrics { Accuracy = accuracy } },
            Datasets = datasets,
        });
}

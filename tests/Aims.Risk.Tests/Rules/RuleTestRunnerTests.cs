using System.Text.Json.Nodes;
using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Rules;

public sealed class RuleTestRunnerTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);

    public void Dispose() => _rules.Dispose();

    private const string Base = """
        "eventId": "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "occurredAt": "2026-11-29T11:00:00Z", "source": "ci",
        "system": { "id": "s", "name": "S", "owner": "o" }
        """;

    [Fact]
    public void Suite_that_fires_and_spares_every_rule_passes()
    {
        _rules.Write();
        _rules.WriteTests($$"""
            { "cases": [
              { "name": "deployed unsigned, with unconsented data and low accuracy",
                "event": { {{Base}}, "changeType": "ModelDeployed",
                           "datasets": [ { "name": "d", "containsPersonalData": true } ], "model": { "metrics": { "accuracy": 0.5 } } },
                "mustFire": ["PRIV-001", "PRIV-002", "SEC-001"] },
              { "name": "retrained, clean",
                "event": { {{Base}}, "changeType": "ModelRetrained" },
                "mustNotFire": ["PRIV-001", "PRIV-002", "SEC-001"] }
            ] }
            """);

        var report = RuleTestRunner.Run(RuleSetLoader.Load(_rules.Directory), _rules.Directory, _clock);

        Assert.True(report.Passed, string.Join(Environment.NewLine, report.Failures));
        Assert.Equal(2, report.CaseCount);
    }

    [Fact]
    public void Levels_check_the_score_after_modifiers_and_imply_that_the_rule_fires()
    {
        _rules.RuleAt("privacy.json", 1)["Properties"]!["modifiers"] = JsonNode.Parse("""
            [ { "when": "change.System.Exposure == \"Public\"", "likelihood": 3, "impact": 2, "reason": "public" } ]
            """);
        _rules.Write();
        _rules.WriteTests($$"""
            { "cases": [
              { "name": "public, low accuracy", "event": { "eventId": "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "occurredAt": "2026-11-29T11:00:00Z",
                  "source": "ci", "changeType": "ModelRetrained", "system": { "id": "s", "name": "S", "owner": "o", "exposure": "Public" },
                  "model": { "metrics": { "accuracy": 0.5 } } },
                "levels": { "PRIV-002": "High" } },
              { "name": "internal, low accuracy", "event": { {{Base}}, "changeType": "ModelRetrained", "model": { "metrics": { "accuracy": 0.5 } } },
                "levels": { "PRIV-002": "Medium" } },
              { "name": "internal, good accuracy", "event": { {{Base}}, "changeType": "ModelRetrained", "model": { "metrics": { "accuracy": 0.9 } } },
                "levels": { "PRIV-002": "Low" } }
            ] }
            """);

        var report = RuleTestRunner.Run(RuleSetLoader.Load(_rules.Directory), _rules.Directory, _clock);
        var failures = report.Failures.Select(f => f.ToString()).ToList();

        Assert.DoesNotContain(failures, f => f.Contains("case 'public, low accuracy'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("PRIV-002: case 'internal, low accuracy': expected level Medium, but it scored Low (likelihood 1, impact 2; no modifier applied)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("PRIV-002: case 'internal, good accuracy': expected the rule to fire, but it did not fire", StringComparison.Ordinal));
    }

    [Fact]
    public void Wrong_expectation_and_missing_coverage_are_each_reported()
    {
        _rules.Write();
        _rules.WriteTests($$"""
            { "cases": [
              { "name": "retrained", "event": { {{Base}}, "changeType": "ModelRetrained" },
                "mustFire": ["SEC-001"], "mustNotFire": ["PRIV-001"] }
            ] }
            """);

        var report = RuleTestRunner.Run(RuleSetLoader.Load(_rules.Directory), _rules.Directory, _clock);
        var failures = report.Failures.Select(f => f.ToString()).ToList();

        Assert.Contains(failures, f => f.Contains("SEC-001: case 'retrained': expected the rule to fire, but it did not fire", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("PRIV-001: no test case fires this rule", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("PRIV-002: no test case fires this rule", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("PRIV-002: no test case shows this rule not firing", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_test_event_and_unknown_rule_are_reported_with_the_case_name()
    {
        _rules.Write();
        _rules.WriteTests($$"""
            { "cases": [
              { "name": "bad type", "event": { {{Base}}, "changeType": "ModelExploded" }, "mustFire": ["SEC-001"] },
              { "name": "ghost", "event": { {{Base}}, "changeType": "ModelRetrained" }, "mustNotFire": ["GHOST-001"] }
            ] }
            """);

        var failures = RuleTestRunner.Run(RuleSetLoader.Load(_rules.Directory), _rules.Directory, _clock).Failures.Select(f => f.ToString()).ToList();

        Assert.Contains(failures, f => f.Contains("case 'bad type': the event is not a valid AiSystemChanged: $.changeType", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("GHOST-001: case 'ghost' names a rule that is not in the rule set", StringComparison.Ordinal));
    }

    [Fact]
    public void Base_event_is_patched_with_the_case_event()
    {
        _rules.Write();
        File.WriteAllText(Path.Combine(_rules.Directory, "base.json"), $$"""{ {{Base}}, "changeType": "ModelDeployed", "security": { "artifactSigned": true } }""");
        _rules.WriteTests("""
            { "cases": [
              { "name": "signed", "base": "../base.json", "mustNotFire": ["SEC-001"] },
              { "name": "unsigned", "base": "../base.json", "event": { "security": { "artifactSigned": null } }, "mustFire": ["SEC-001"] }
            ] }
            """);

        var report = RuleTestRunner.Run(RuleSetLoader.Load(_rules.Directory), _rules.Directory, _clock);

        Assert.DoesNotContain(report.Failures, f => f.Message.Contains("case '", StringComparison.Ordinal));
    }

    /// <summary>The examples of RFC 7386 appendix A.</summary>
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Merge_patch_follows_rfc_7386(string target, string patch, string expected)
    {
        var result = RuleTestRunner.MergePatch(JsonNode.Parse(target), JsonNode.Parse(patch));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), result?.ToJsonString());
    }
}

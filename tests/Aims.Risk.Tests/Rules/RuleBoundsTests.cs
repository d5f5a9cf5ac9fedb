using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Rules;

/// <summary>
/// What the expression guard admits can still be costly on a large event. The bounds: a step budget at run time
/// (the rule stops and counts as an evaluation error), and time and allocation limits on the rule tests (the rule
/// set is refused, and a running worker keeps the rule set it has).
/// </summary>
[Collection(CpuHeavyTests.Name)]
public sealed class RuleBoundsTests : IDisposable
{
    private const string Quadratic = "change.Datasets.Count(a => change.Datasets.Count(b => b.Name == a.Name) > 0) > 0";

    /// <summary>Passes the guard; each step turns a 4,096-character text upper and lower case, 16 KB of garbage.</summary>
    private const string Allocating = "change.Datasets.Count(d => change.System.Purpose.ToUpper().ToLower().Length > 0) > 0";

    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    private static AiSystemChanged WithDatasets(int count, string? purpose = null) => SampleEvents.Change() with
    {
        System = SampleEvents.Change().System with { Purpose = purpose },
        Datasets = [.. Enumerable.Range(0, count).Select(i => new DatasetInfo { Name = $"dataset-{i}" })],
    };

    private RuleSet LoadWithRule(string expression)
    {
        _rules.RuleAt("privacy.json", 1)["Expression"] = expression;
        return RuleSetLoader.Load(_rules.Write());
    }

    [Fact]
    public void Rule_within_the_step_budget_fires_on_the_largest_event()
    {
        // 999 outer steps + 999 x 999 inner ones = 999,000: within the 1,000,000 budget.
        var assessment = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now)).Evaluate(WithDatasets(999), LoadWithRule(Quadratic));

        Assert.Empty(assessment.Errors);
        Assert.Contains(assessment.Findings, f => f.RuleId == "PRIV-002");
    }

    [Fact]
    public void Rule_over_the_step_budget_is_stopped_and_reported_while_the_other_rules_are_evaluated()
    {
        // 1,000 + 1,000 x 1,000 steps: over the budget.
        var change = WithDatasets(1000) with { Security = new SecurityInfo { ArtifactSigned = false } };

        var assessment = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now)).Evaluate(change, LoadWithRule(Quadratic));

        var error = Assert.Single(assessment.Errors);
        Assert.Equal("PRIV-002", error.RuleId);
        Assert.Contains("RuleBudgetExceededException: stopped after 1,000,000 steps", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(assessment.Findings, f => f.RuleId == "PRIV-002");
        Assert.Contains(assessment.Findings, f => f.RuleId == "SEC-001");
    }

    [Fact]
    public void Slow_rule_is_stopped_by_the_clock_before_its_step_budget()
    {
        // Each inner step upper- and lower-cases 4,096 characters four times: a million of them take far longer than a second.
        const string slow = "change.Datasets.Count(a => change.Datasets.Count(b => change.System.Purpose.ToUpper().ToLower().ToUpper().ToLower() == b.Name) > 0) > 0";
        var change = WithDatasets(999, purpose: new string('p', 4096));

        var assessment = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now)).Evaluate(change, LoadWithRule(slow));

        var error = Assert.Single(assessment.Errors);
        Assert.Equal("PRIV-002", error.RuleId);
        Assert.Contains("stopped after 1 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Budget_starts_afresh_for_each_evaluation()
    {
        var ruleSet = LoadWithRule(Quadratic);
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));

        for (var i = 0; i < 3; i++)
        {
            Assert.Empty(evaluator.Evaluate(WithDatasets(999), ruleSet).Errors);
        }
    }

    [Fact]
    public void Rule_that_allocates_too_much_on_a_test_event_fails_the_rule_tests()
    {
        var ruleSet = LoadWithRule(Allocating);
        WriteTests(largeDatasets: 1000);

        var report = RuleTestRunner.Run(ruleSet, _rules.Directory, new FakeTimeProvider(SampleEvents.Now));

        var failure = Assert.Single(report.Failures);
        Assert.Equal(("privacy.json", "PRIV-002"), (failure.File, failure.RuleId));
        Assert.Matches(@"allocated \d+\.\d MB on case 'large'; the limit is 10 MB", failure.Message);
    }

    [Fact]
    public void Rule_over_the_step_budget_on_a_test_event_fails_the_rule_tests_whatever_the_machine_load()
    {
        // The rule tests bound a rule by counts (steps, bytes), not by a wall clock: the verdict is the same on a busy machine.
        var ruleSet = LoadWithRule(Quadratic);
        WriteTests(largeDatasets: 1000);

        var report = RuleTestRunner.Run(ruleSet, _rules.Directory, new FakeTimeProvider(SampleEvents.Now));

        Assert.Contains(report.Failures, f => f.RuleId == "PRIV-002" && f.Message.Contains("throws RuleBudgetExceededException on case 'large'", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Failures, f => f.Message.Contains(" ms on case", StringComparison.Ordinal));
    }

    [Fact]
    public void Same_rule_on_small_test_events_stays_under_the_allocation_limit()
    {
        var ruleSet = LoadWithRule(Allocating);
        WriteTests(largeDatasets: 10);

        var report = RuleTestRunner.Run(ruleSet, _rules.Directory, new FakeTimeProvider(SampleEvents.Now));

        Assert.Empty(report.Failures);
    }

    [Fact]
    public void Rationale_is_evaluated_under_the_same_bounds_as_the_expression()
    {
        _rules.RuleAt("privacy.json", 1)["Properties"]!["rationale"] =
            "{change.Datasets.Select(d => change.System.Purpose.ToUpper().ToLower()).Count()} datasets";
        var ruleSet = LoadWithRule("change.Datasets.Any()");
        WriteTests(largeDatasets: 1000);

        var report = RuleTestRunner.Run(ruleSet, _rules.Directory, new FakeTimeProvider(SampleEvents.Now));

        Assert.Contains(report.Failures, f => f.RuleId == "PRIV-002" && f.Message.Contains("the limit is 10 MB", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Allocating, "the limit is 10 MB")]
    [InlineData("change.Datasets.Sum(a => change.Datasets.Sum(b => change.Datasets.Count(c => c.Name == b.Name))) > 0", "nests lambdas 3 deep")]
    [InlineData("change.GetType().Assembly.GetTypes().Length > 0", "'GetType' is not allowed")]
    public async Task Hostile_candidate_is_refused_by_a_running_provider_which_keeps_its_active_rule_set(string expression, string reason)
    {
        WriteTests(largeDatasets: 1000);
        _rules.RuleAt("privacy.json", 1)["Expression"] = "change.Datasets.Any()";
        using var provider = new RuleSetProvider(
            Options.Create(new RulesOptions { Path = _rules.Write() }), new NullRegister(), new FakeTimeProvider(SampleEvents.Now), NullLogger<RuleSetProvider>.Instance);
        Assert.True(await provider.TryActivateAsync(default));
        var active = provider.Current;

        _rules.Manifest["version"] = "6.6.6";
        _rules.RuleAt("privacy.json", 1)["Expression"] = expression;
        _rules.Write();
        var activated = await provider.TryActivateAsync(default);

        Assert.False(activated);
        Assert.Same(active, provider.Current);
        Assert.Contains(provider.LastRefusal!, e => e.RuleId == "PRIV-002" && e.Message.Contains(reason, StringComparison.Ordinal));
        var assessment = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now)).Evaluate(WithDatasets(1), provider.Current);
        Assert.Equal("1.2.3", assessment.RuleSetVersion);
    }

    /// <summary>A case with many datasets and a long purpose that fires every rule, and a small case that fires none.</summary>
    private void WriteTests(int largeDatasets)
    {
        var datasets = new JsonArray([.. Enumerable.Range(0, largeDatasets).Select(i => (JsonNode)new JsonObject { ["name"] = $"d{i}", ["containsPersonalData"] = true })]);
        var cases = new JsonObject
        {
            ["cases"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "large",
                    ["event"] = Event(new JsonObject { ["id"] = "s", ["name"] = "S", ["owner"] = "o", ["purpose"] = new string('p', 4096) }, "ModelDeployed", datasets),
                    ["mustFire"] = new JsonArray("PRIV-001", "PRIV-002", "SEC-001"),
                },
                new JsonObject
                {
                    ["name"] = "small",
                    ["event"] = Event(new JsonObject { ["id"] = "s", ["name"] = "S", ["owner"] = "o" }, "ModelRetrained", null),
                    ["mustNotFire"] = new JsonArray("PRIV-001", "PRIV-002", "SEC-001"),
                }),
        };
        _rules.WriteTests(cases.ToJsonString());
    }

    private static JsonObject Event(JsonObject system, string changeType, JsonArray? datasets)
    {
        var json = new JsonObject
        {
            ["eventId"] = "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f",
            ["occurredAt"] = "2026-11-29T11:00:00Z",
            ["source"] = "ci",
            ["changeType"] = changeType,
            ["system"] = system,
        };
        if (datasets is not null)
        {
            json["datasets"] = datasets;
        }

        return json;
    }

    private sealed class NullRegister : RegisterStub;
}

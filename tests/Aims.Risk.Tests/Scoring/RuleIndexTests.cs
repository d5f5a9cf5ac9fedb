using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Scoring;

/// <summary>
/// The rule index (<see cref="RuleIndex"/>): evaluation through it gives the same assessment as running every rule
/// (findings, errors, cleared risks) on every example, on generated events and on events at the edges; it never
/// leaves out a rule that fires or throws; and it does leave rules out, or it proves nothing.
/// </summary>
public sealed class RuleIndexTests : IDisposable
{
    private static readonly Lazy<RuleSet> Pack = new(() => RuleSetLoader.Load(RepositoryRoot.Rules));

    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Indexed_evaluation_matches_every_rule_run_on_every_example()
    {
        var examples = Directory.GetFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json")
            .Select(f => AiSystemChangedReader.Read(File.ReadAllBytes(f), new FakeTimeProvider(SampleEvents.Now)))
            .ToList();

        Assert.NotEmpty(examples);
        AssertSameAssessments(Pack.Value, examples);
    }

    [Fact]
    public void Indexed_evaluation_matches_every_rule_run_on_20000_generated_and_edge_events()
    {
        var generated = new RandomEvents(seed: 7, Pack.Value);
        var edges = new EdgeEvents(seed: 11, Pack.Value);
        var events = Enumerable.Range(0, 10_000).Select(_ => generated.Next())
            .Concat(Enumerable.Range(0, 10_000).Select(_ => edges.Next()))
            .ToList();

        var (skipped, evaluated) = AssertSameAssessments(Pack.Value, events);

        // Agreement proves little if the index never leaves a rule out.
        Assert.True(skipped > evaluated / 4, $"the index left out {skipped} rule evaluations and kept {evaluated}");
    }

    [Fact]
    public void The_index_never_leaves_out_a_rule_that_fires_or_throws()
    {
        var ruleSet = Pack.Value;
        var edges = new EdgeEvents(seed: 3, ruleSet);
        var candidates = new ulong[ruleSet.Index.WordCount];
        var firedOutsideAtLeastOnce = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < 20_000; n++)
        {
            var normalized = EventNormalizer.Normalize(edges.Next());
            ruleSet.Index.Candidates(normalized, candidates);
            for (var i = 0; i < ruleSet.Rules.Count; i++)
            {
                var rule = ruleSet.Rules[i];
                bool firesOrThrows;
                try
                {
                    firesOrThrows = rule.Fires(normalized);
                }
#pragma warning disable CA1031 // a rule that throws must be run, so that its error is recorded
                catch (Exception)
#pragma warning restore CA1031
                {
                    firesOrThrows = true;
                }

                if (firesOrThrows && !RuleIndex.Contains(candidates, i))
                {
                    firedOutsideAtLeastOnce.Add($"{rule.Definition.Id} on {normalized.EventId} ({string.Join("; ", rule.IndexConditions)})");
                }
            }
        }

        Assert.Empty(firedOutsideAtLeastOnce);
    }

    [Fact]
    public void The_pack_is_indexed_by_change_type_exposure_flags_and_datasets()
    {
        var index = Pack.Value.Index;
        string Conditions(string id) => string.Join("; ", index.Conditions[Pack.Value.Rules.ToList().FindIndex(r => r.Definition.Id == id)]);

        Assert.Equal("ChangeType in [IntendedUseChanged]", Conditions("ETH-004"));
        Assert.Equal("System.EuAiActRiskClass in [Unacceptable]; ChangeType not in [Decommissioned]", Conditions("ETH-006"));
        Assert.Equal("System.AffectsIndividuals in [True]; System.EuAiActRiskClass in [null, Unknown]", Conditions("ETH-007"));
        // Generative or agentic: two features, so no condition; the attribute check after it can throw.
        Assert.Equal("System.Exposure in [Public, CustomerFacing]", Conditions("ETH-008"));
        Assert.Equal("ChangeType in [ModelDeployed, ConfigurationChanged]; Evaluation.DriftMonitoringEnabled not in [True]", Conditions("ROB-015"));
        Assert.Equal("Datasets.Any() in [True]", Conditions("PRIV-004"));

        // The Any() of PRIV-009 can throw, so nothing after it is a condition.
        Assert.Equal("Model.Provenance in [ThirdPartyApi]", Conditions("PRIV-009"));

        // No condition: evaluated on every event.
        Assert.Equal("", Conditions("SEC-009"));
        Assert.True(index.ConditionedRules >= 45, $"{index.ConditionedRules} of {index.RuleCount} rules have conditions");
    }

    [Fact]
    public void A_condition_after_a_part_that_can_throw_is_not_used()
    {
        // Unindexed, each of these records an error on a ModelRegistered event whose system has no domain (or a
        // dataset without a name); an index that used the change type would skip them and lose the error.
        _rules.Workflows["privacy.json"] = RuleSetBuilder.Workflow("privacy",
            RuleSetBuilder.Rule("PRIV-001", "change.System.Domain.ToLower() == \"hr\" && change.ChangeType == \"ModelDeployed\"", "privacy"),
            RuleSetBuilder.Rule("PRIV-002", "change.Datasets.Any(d => d.Name.Length > 3) && change.ChangeType == \"ModelDeployed\"", "privacy"),
            RuleSetBuilder.Rule("PRIV-003", "change.Attributes[\"x\"].Flag == true && change.ChangeType == \"ModelDeployed\"", "privacy"),
            RuleSetBuilder.Rule("PRIV-004", "change.ChangeType == \"ModelDeployed\" && change.System.Domain.ToLower() == \"hr\"", "privacy"));
        var ruleSet = RuleSetLoader.Load(_rules.Write());
        var change = SampleEvents.Change() with
        {
            ChangeType = ChangeType.ModelRegistered,
            System = SampleEvents.Change().System with { Domain = null },
            Datasets = [new DatasetInfo { Name = null! }],
        };

        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        var indexed = evaluator.Evaluate(change, ruleSet);

        Assert.Equal(["PRIV-001", "PRIV-002", "PRIV-003"], indexed.Errors.Select(e => e.RuleId));
        Assert.Equal(Describe(evaluator.Evaluate(change, ruleSet, useIndex: false)), Describe(indexed));
        // PRIV-002: no datasets, no item for the lambda to fail on, so the Any() is a condition; nothing after it is.
        Assert.Equal(["", "Datasets.Any() in [True]", "", "ChangeType in [ModelDeployed]"], ruleSet.Index.Conditions.Take(4).Select(c => string.Join("; ", c)));
    }

    [Fact]
    public void A_hostile_rule_behind_a_condition_still_hits_its_budget_where_the_condition_holds()
    {
        _rules.Workflows["privacy.json"] = RuleSetBuilder.Workflow("privacy",
            RuleSetBuilder.Rule("PRIV-001", "change.ChangeType == \"ModelDeployed\" && change.Datasets.Any(a => change.Datasets.Count(b => b.Name != a.Name) > 5000)", "privacy"));
        var ruleSet = RuleSetLoader.Load(_rules.Write());
        // 1,000 + 1,000 x 1,000 steps where the rule runs: over the budget.
        var datasets = Enumerable.Range(0, 1000).Select(i => new DatasetInfo { Name = $"d{i}" }).ToList();
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));

        var deployed = evaluator.Evaluate(SampleEvents.Change() with { ChangeType = ChangeType.ModelDeployed, Datasets = datasets }, ruleSet);
        var registered = evaluator.Evaluate(SampleEvents.Change() with { ChangeType = ChangeType.ModelRegistered, Datasets = datasets }, ruleSet);

        Assert.StartsWith("RuleBudgetExceededException: ", Assert.Single(deployed.Errors).Message, StringComparison.Ordinal);
        Assert.Empty(registered.Errors);
        Assert.Empty(registered.Findings);
    }

    [Fact]
    public void Values_no_rule_names_and_values_outside_the_enum_are_indexed_as_any_other_value()
    {
        _rules.Workflows["privacy.json"] = RuleSetBuilder.Workflow("privacy",
            RuleSetBuilder.Rule("PRIV-001", "change.System.Exposure != \"Public\"", "privacy"),
            RuleSetBuilder.Rule("PRIV-002", "change.System.Exposure == \"Public\" || change.System.Exposure == null", "privacy"),
            RuleSetBuilder.Rule("PRIV-003", "change.System.Domain == \"hr\" && change.System.Generative != true", "privacy"));
        var ruleSet = RuleSetLoader.Load(_rules.Write());
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        var system = SampleEvents.Change().System;

        foreach (var exposure in new Exposure?[] { null, Exposure.Public, Exposure.Internal, (Exposure)7 })
        {
            foreach (var domain in new[] { null, "hr", "HR", "finance" })
            {
                foreach (var generative in new bool?[] { null, true, false })
                {
                    var change = SampleEvents.Change() with { System = system with { Exposure = exposure, Domain = domain, Generative = generative } };
                    Assert.Equal(Describe(evaluator.Evaluate(change, ruleSet, useIndex: false)), Describe(evaluator.Evaluate(change, ruleSet)));
                }
            }
        }
    }

    /// <summary>Indexed against every rule run, on each event: the findings, the errors and the cleared risks.</summary>
    private static (long Skipped, long Evaluated) AssertSameAssessments(RuleSet ruleSet, IReadOnlyList<AiSystemChanged> events)
    {
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        var candidates = new ulong[ruleSet.Index.WordCount];
        long skipped = 0, evaluated = 0;
        foreach (var change in events)
        {
            var expected = Outcome(() => evaluator.Evaluate(change, ruleSet, useIndex: false));
            var actual = Outcome(() => evaluator.Evaluate(change, ruleSet));
            Assert.True(expected == actual, $"event {change.EventId}:\nevery rule run: {expected}\nindexed:        {actual}");

            ruleSet.Index.Candidates(EventNormalizer.Normalize(change), candidates);
            var kept = candidates.Sum(w => System.Numerics.BitOperations.PopCount(w));
            evaluated += kept;
            skipped += ruleSet.Rules.Count - kept;
        }

        return (skipped, evaluated);
    }

    private static string Outcome(Func<EventAssessment> evaluate)
    {
        try
        {
            return Describe(evaluate());
        }
#pragma warning disable CA1031 // the same failure either way is agreement too
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"threw {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static string Describe(EventAssessment assessment) =>
        $"findings [{string.Join(", ", assessment.Findings.Select(f => $"{f.RuleId} {f.Level} {f.Rationale}"))}] "
        + $"errors [{string.Join(", ", assessment.Errors.Select(e => $"{e.RuleId}: {e.Message}"))}] "
        + $"cleared [{string.Join(", ", assessment.Cleared)}]";
}

using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Benchmarks;

/// <summary>What every benchmark evaluates: the shipped pack and the same seeded generated events.</summary>
public static class Workload
{
    private static readonly Lazy<RuleSet> LazyPack = new(() => RuleSetLoader.Load(RulesPath));

    /// <summary>
    /// The rule pack every benchmark evaluates and the worker under test loads: the shipped one, or the folder named by
    /// <c>AIMS_RISK_BENCH_RULES</c> (to compare two versions of the service on the same rules).
    /// </summary>
    public static string RulesPath =>
        Environment.GetEnvironmentVariable("AIMS_RISK_BENCH_RULES") is { Length: > 0 } rules ? Path.GetFullPath(rules) : RepositoryRoot.Rules;

    public static RuleSet Pack => LazyPack.Value;

    public static AiSystemChanged[] Events(int count, int seed = 42)
    {
        var generator = new RandomEvents(seed, Pack);
        return [.. Enumerable.Range(0, count).Select(_ => generator.Next())];
    }

    /// <summary>
    /// The service's evaluation loop without building findings: normalise once, look up the rules that can fire in
    /// the rule set's index, run each of them as <see cref="Core.Scoring.RiskEvaluator"/> does (a rule that throws
    /// has not fired), collect the fired ids.
    /// </summary>
    public static void FireCompiled(AiSystemChanged change, RuleSet ruleSet, List<string> fired)
    {
        var normalized = EventNormalizer.Normalize(change);
        var index = ruleSet.Index;
        var rules = ruleSet.Rules;
        Span<ulong> candidates = stackalloc ulong[index.WordCount];
        index.Candidates(normalized, candidates);
        for (var w = 0; w < candidates.Length; w++)
        {
            for (var bits = candidates[w]; bits != 0; bits &= bits - 1)
            {
                var rule = rules[(w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)];
                bool fires;
                try
                {
                    fires = rule.Fires(normalized);
                }
#pragma warning disable CA1031 // the evaluator's own semantics
                catch (Exception)
#pragma warning restore CA1031
                {
                    continue;
                }

                if (fires)
                {
                    fired.Add(rule.Definition.Id);
                }
            }
        }
    }

    /// <summary>Every rule run, without the index: what the service did before it.</summary>
    public static void FireUnindexed(AiSystemChanged change, RuleSet ruleSet, List<string> fired) =>
        FireNormalized(EventNormalizer.Normalize(change), ruleSet.Rules, fired);

    /// <summary>The loop of <see cref="FireUnindexed"/> over any list of compiled rules, for an event already normalised.</summary>
    public static void FireNormalized(AiSystemChanged normalized, IReadOnlyList<CompiledRule> rules, List<string> fired)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            bool fires;
            try
            {
                fires = rule.Fires(normalized);
            }
#pragma warning disable CA1031 // the evaluator's own semantics
            catch (Exception)
#pragma warning restore CA1031
            {
                continue;
            }

            if (fires)
            {
                fired.Add(rule.Definition.Id);
            }
        }
    }

    /// <summary>The fired sets of <paramref name="events"/>, counted (what the fired-set benchmarks run).</summary>
    public static int FiredCount(AiSystemChanged[] events, RuleSet ruleSet, List<string> fired)
    {
        var total = 0;
        foreach (var change in events)
        {
            fired.Clear();
            FireCompiled(change, ruleSet, fired);
            total += fired.Count;
        }

        return total;
    }

    /// <summary>The findings of <see cref="RiskEvaluator.Evaluate"/> over <paramref name="events"/>, counted.</summary>
    public static int FindingCount(AiSystemChanged[] events, RuleSet ruleSet, RiskEvaluator evaluator)
    {
        var total = 0;
        foreach (var change in events)
        {
            total += evaluator.Evaluate(change, ruleSet).Findings.Count;
        }

        return total;
    }

    public static void FireHandWritten(AiSystemChanged change, List<string> fired) =>
        HandWrittenRules.Fire(EventNormalizer.Normalize(change), fired);
}

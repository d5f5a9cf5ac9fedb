using System.Globalization;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Target 1 in a few seconds, without BenchmarkDotNet: the hand-written fired set, the service's (through its rule
/// index, and with every rule run) and its full <c>Evaluate</c>, best of seven rounds each, on the same events.
/// </summary>
public static class EvaluationProbe
{
    public static int Run()
    {
        var pack = Workload.Pack;
        var events = Workload.Events(EvaluationBenchmarks.EventCount);
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        // The first round is a warm-up: the loop measured first in it runs partly before the JIT has optimised it.
        for (var round = 0; round < 3; round++)
        {
            var hand = RuleCountProbe.Best(events, Workload.FireHandWritten) / events.Length;
            var service = RuleCountProbe.Best(events, (change, fired) => Workload.FireCompiled(change, pack, fired)) / events.Length;
            var unindexed = RuleCountProbe.Best(events, (change, fired) => Workload.FireUnindexed(change, pack, fired)) / events.Length;
            var lookup = RuleCountProbe.Best(events, (change, _) => Lookup(change, pack)) / events.Length;
            var full = RuleCountProbe.Best(events, (change, _) => evaluator.Evaluate(change, pack)) / events.Length;
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var change in events)
            {
                evaluator.Evaluate(change, pack);
            }

            var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)events.Length;
            before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var change in events)
            {
                evaluator.Evaluate(change, pack, useIndex: false);
            }

            var allocatedUnindexed = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)events.Length;
            if (round == 0)
            {
                continue;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"evaluation-probe: ratio={hand / service:0.00} target=0.5 (hand-written {hand:0} ns, service {service:0} ns, without its index {unindexed:0} ns, the index's look-up alone {lookup:0} ns ({pack.Index.FeatureCount} features, {pack.Index.ConditionedRules} of {pack.Rules.Count} rules with conditions); Evaluate {full:0} ns, {allocated:0} B per event, {allocatedUnindexed:0} B without the index; CPU time of this thread)"));
        }

        // Where the service's time goes, rule by rule: each candidate rule's delegate over the events it is a candidate for.
        var normalized = events.Select(EventNormalizer.Normalize).ToArray();
        var costs = new List<(string Id, double Ns, int Runs)>();
        for (var i = 0; i < pack.Rules.Count; i++)
        {
            var rule = pack.Rules[i];
            var runs = normalized.Where(e => IsCandidate(pack, e, i)).ToArray();
            if (runs.Length == 0)
            {
                continue;
            }

            var total = RuleCountProbe.Best(runs, (change, _) =>
            {
                try
                {
                    rule.Fires(change);
                }
#pragma warning disable CA1031 // the evaluator's own semantics
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            });
            costs.Add((rule.Definition.Id, total / events.Length, runs.Length));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"evaluation-probe: rules run {costs.Sum(c => c.Ns):0} ns per event in all; the costliest: {string.Join(", ", costs.OrderByDescending(c => c.Ns).Take(10).Select(c => $"{c.Id} {c.Ns:0} ns ({c.Runs} of {events.Length} events)"))}"));
        return 0;
    }

    private static bool IsCandidate(RuleSet ruleSet, Aims.Risk.Contracts.AiSystemChanged normalized, int rule)
    {
        Span<ulong> candidates = stackalloc ulong[ruleSet.Index.WordCount];
        ruleSet.Index.Candidates(normalized, candidates);
        return RuleIndex.Contains(candidates, rule);
    }

    private static void Lookup(Aims.Risk.Contracts.AiSystemChanged change, RuleSet ruleSet)
    {
        Span<ulong> candidates = stackalloc ulong[ruleSet.Index.WordCount];
        ruleSet.Index.Candidates(EventNormalizer.Normalize(change), candidates);
    }
}

using System.Diagnostics;
using System.Globalization;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// The growth with rule count, taken apart without BenchmarkDotNet (a few seconds):
/// <list type="bullet">
/// <item>the fired set per event of the growth sets (<see cref="RulePacks.Load"/>) through the rule index, as the
///   service runs it, and with every rule run (the service before the index), with how many rules the index keeps;</item>
/// <item>the former explanation of the curve: the same loop over N distinct compiled rules (the pack cloned, each
///   clone compiled on its own) and over the pack's compiled rules repeated to N. Equal work per rule; if the
///   repeated list stays flat while the distinct one climbs, the cost per rule comes from the machine's caches.</item>
/// </list>
/// </summary>
public static class RuleCountProbe
{
    public static int Run()
    {
        var events = Workload.Events(1_000).Select(EventNormalizer.Normalize).ToArray();
        double? indexedBase = null, unindexedBase = null;
        foreach (var multiplier in new[] { 1, 10, 100 })
        {
            var rules = RulePacks.Load(multiplier);
            var indexed = Best(events, (change, fired) => Workload.FireCompiled(change, rules, fired)) / events.Length;
            var unindexed = Best(events, (change, fired) => Workload.FireNormalized(change, rules.Rules, fired)) / events.Length;
            indexedBase ??= indexed;
            unindexedBase ??= unindexed;
            var kept = events.Average(e => Kept(rules, e));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rule-count-probe: {rules.Rules.Count} rules: indexed {indexed / 1000:0.00} us/event (x{indexed / indexedBase:0.0}; {kept:0.0} rules run per event), every rule run {unindexed / 1000:0.00} us/event (x{unindexed / unindexedBase:0.0})"));
        }

        foreach (var multiplier in new[] { 1, 10, 100 })
        {
            var distinct = RulePacks.Clones(multiplier).Rules.ToArray();
            var repeated = Enumerable.Repeat(Workload.Pack.Rules, multiplier).SelectMany(r => r).ToArray();
            var distinctNs = Best(events, (change, fired) => Workload.FireNormalized(change, distinct, fired)) / events.Length / distinct.Length;
            var repeatedNs = Best(events, (change, fired) => Workload.FireNormalized(change, repeated, fired)) / events.Length / repeated.Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rule-count-probe: {distinct.Length} rules, every rule run: the pack cloned, each clone compiled {distinctNs:0.0} ns/rule, the pack's {Workload.Pack.Rules.Count} repeated {repeatedNs:0.0} ns/rule"));
        }

        return 0;
    }

    private static int Kept(RuleSet rules, AiSystemChanged normalized)
    {
        Span<ulong> candidates = stackalloc ulong[rules.Index.WordCount];
        rules.Index.Candidates(normalized, candidates);
        var kept = 0;
        foreach (var word in candidates)
        {
            kept += System.Numerics.BitOperations.PopCount(word);
        }

        return kept;
    }

    /// <summary>
    /// The best of seven rounds of 300 ms of <paramref name="fire"/> over every event, in ns per pass over the events,
    /// counted in the thread's CPU time where the system gives it (Linux): on a machine shared with other work, wall
    /// time counts the time the thread waited for a core.
    /// </summary>
    internal static double Best(AiSystemChanged[] events, Action<AiSystemChanged, List<string>> fire)
    {
        var fired = new List<string>();
        var best = double.MaxValue;
        for (var round = 0; round < 7; round++)
        {
            var started = Stopwatch.GetTimestamp();
            var cpu = ThreadCpu.Nanoseconds();
            var passes = 0L;
            while (Stopwatch.GetElapsedTime(started).TotalMilliseconds < 300 || passes == 0)
            {
                foreach (var change in events)
                {
                    fired.Clear();
                    fire(change, fired);
                }

                passes++;
            }

            var elapsed = cpu is { } from && ThreadCpu.Nanoseconds() is { } to ? to - from : Stopwatch.GetElapsedTime(started).TotalNanoseconds;
            best = Math.Min(best, elapsed / passes);
        }

        return best;
    }
}

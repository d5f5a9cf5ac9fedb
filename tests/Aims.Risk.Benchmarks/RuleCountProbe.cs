using System.Diagnostics;
using System.Globalization;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Why the fired-set time grows faster than the rule count: the same loop over N distinct compiled rules (the pack
/// cloned, each clone compiled on its own) and over the pack's 50 compiled rules repeated to N. Equal work per rule;
/// only the amount of distinct code and closure data differs. If the repeated list stays flat while the distinct one
/// climbs, the growth comes from the machine's caches, not from the evaluator's algorithm.
/// </summary>
public static class RuleCountProbe
{
    public static int Run()
    {
        var events = Workload.Events(1_000).Select(EventNormalizer.Normalize).ToArray();
        foreach (var multiplier in new[] { 1, 10, 100 })
        {
            var distinct = RulePacks.Load(multiplier).Rules.ToArray();
            var repeated = Enumerable.Repeat(Workload.Pack.Rules, multiplier).SelectMany(r => r).ToArray();
            var distinctNs = NanosecondsPerRule(distinct, events);
            var repeatedNs = NanosecondsPerRule(repeated, events);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rule-count-probe: {distinct.Length} rules: distinct compiled rules {distinctNs:0.0} ns/rule, the pack's 50 repeated {repeatedNs:0.0} ns/rule"));
        }

        return 0;
    }

    /// <summary>The best of seven rounds of 300 ms of <see cref="Workload.FireNormalized"/>, in ns per rule and event.</summary>
    private static double NanosecondsPerRule(CompiledRule[] rules, AiSystemChanged[] events)
    {
        var fired = new List<string>();
        var best = double.MaxValue;
        for (var round = 0; round < 7; round++)
        {
            var started = Stopwatch.GetTimestamp();
            var evaluations = 0L;
            while (Stopwatch.GetElapsedTime(started).TotalMilliseconds < 300)
            {
                foreach (var change in events)
                {
                    fired.Clear();
                    Workload.FireNormalized(change, rules, fired);
                    evaluations += rules.Length;
                }
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalNanoseconds / evaluations);
        }

        return best;
    }
}

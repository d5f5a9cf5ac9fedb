using Aims.Risk.Core.Events;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Models;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Before any figure: the hand-written baseline, the service (through its rule index and running every rule) and RulesEngine's ExecuteAllRulesAsync fire the
/// same rules on every example event and on 10,000 generated events. A benchmark of unequal work is void.
/// </summary>
public static class Verification
{
    public static async Task<int> RunAsync()
    {
        var pack = Workload.Pack;
        var clock = new FakeTimeProvider(SampleEvents.Now);
        var evaluator = new RiskEvaluator(clock);
        var workflows = pack.ToRulesEngineWorkflows();
        var engine = new RulesEngine.RulesEngine([.. workflows], RuleExpressionCompiler.CreateSettings());
        var examples = Directory.GetFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json")
            .Select(f => AiSystemChangedReader.Read(File.ReadAllBytes(f), clock));
        var events = examples.Concat(Workload.Events(10_000)).ToList();

        if (pack.Rules.Count != HandWrittenRules.Count)
        {
            Console.WriteLine($"verify: FAILED: the pack has {pack.Rules.Count} rules, the hand-written baseline {HandWrittenRules.Count}");
            return 1;
        }

        var handWritten = new List<string>();
        var compiled = new List<string>();
        var unindexed = new List<string>();
        var everFired = new HashSet<string>(StringComparer.Ordinal);
        var failures = 0;
        foreach (var change in events)
        {
            handWritten.Clear();
            compiled.Clear();
            unindexed.Clear();
            Workload.FireUnindexed(change, pack, unindexed);
            Workload.FireHandWritten(change, handWritten);
            Workload.FireCompiled(change, pack, compiled);
            var evaluated = evaluator.Evaluate(change, pack).Findings.Select(f => f.RuleId);
            var input = new RuleParameter(RuleExpressionCompiler.ParameterName, EventNormalizer.Normalize(change));
            var reference = new List<string>();
            foreach (var workflow in workflows)
            {
                reference.AddRange((await engine.ExecuteAllRulesAsync(workflow.WorkflowName, input)).Where(r => r.IsSuccess).Select(r => r.Rule.RuleName));
            }

            var expected = Sorted(reference);
            if (expected != Sorted(handWritten) || expected != Sorted(compiled) || expected != Sorted(evaluated) || expected != Sorted(unindexed))
            {
                if (failures++ < 5)
                {
                    Console.WriteLine($"verify: event {change.EventId}: RulesEngine [{expected}] hand-written [{Sorted(handWritten)}] service [{Sorted(compiled)}] service without its index [{Sorted(unindexed)}]");
                }
            }

            everFired.UnionWith(reference);
        }

        Console.WriteLine(failures == 0
            ? $"verify: OK: hand-written, service (with and without its rule index) and RulesEngine fire the same rules on {events.Count} events ({everFired.Count} of {pack.Rules.Count} rules fired at least once)"
            : $"verify: FAILED on {failures} of {events.Count} events");
        return failures == 0 ? 0 : 1;
    }

    private static string Sorted(IEnumerable<string> ids) => string.Join(",", ids.Order(StringComparer.Ordinal));
}

using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Models;

namespace Aims.Risk.Tests.Scoring;

/// <summary>
/// The service evaluates rules through delegates compiled once from RulesEngine's own parser. This checks
/// that it fires exactly the rules RulesEngine's <c>ExecuteAllRulesAsync</c> fires, on every shipped example
/// and on 10,000 generated events.
/// </summary>
public sealed class DifferentialTests
{
    private static readonly Lazy<RuleSet> Pack = new(() => RuleSetLoader.Load(RepositoryRoot.Rules));

    [Fact]
    public async Task Compiled_evaluation_matches_rulesengine_on_every_example()
    {
        var examples = Directory.GetFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json")
            .Select(f => AiSystemChangedReader.Read(File.ReadAllBytes(f), new FakeTimeProvider(SampleEvents.Now)))
            .ToList();

        Assert.NotEmpty(examples);
        await AssertSameFindings(examples);
    }

    [Fact]
    public async Task Compiled_evaluation_matches_rulesengine_on_10000_generated_events()
    {
        var generator = new RandomEvents(seed: 42, Pack.Value);
        var events = Enumerable.Range(0, 10_000).Select(_ => generator.Next()).ToList();

        var fired = await AssertSameFindings(events);

        // The generator must exercise the pack, or agreement proves little.
        Assert.True(fired.Count == Pack.Value.Rules.Count, $"rules never fired: {string.Join(", ", Pack.Value.Rules.Select(r => r.Definition.Id).Except(fired))}");
    }

    private static async Task<HashSet<string>> AssertSameFindings(IReadOnlyList<AiSystemChanged> events)
    {
        var ruleSet = Pack.Value;
        var workflows = ruleSet.ToRulesEngineWorkflows();
        var engine = new RulesEngine.RulesEngine([.. workflows], RuleExpressionCompilerSettings());
        var evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        var everFired = new HashSet<string>(StringComparer.Ordinal);

        foreach (var change in events)
        {
            var input = new RuleParameter("change", EventNormalizer.Normalize(change));
            var expected = new List<string>();
            foreach (var workflow in workflows)
            {
                var results = await engine.ExecuteAllRulesAsync(workflow.WorkflowName, input);
                expected.AddRange(results.Where(r => r.IsSuccess).Select(r => r.Rule.RuleName));
            }

            var actual = evaluator.Evaluate(change, ruleSet).Findings.Select(f => f.RuleId).ToList();
            Assert.True(
                expected.Order(StringComparer.Ordinal).SequenceEqual(actual.Order(StringComparer.Ordinal)),
                $"event {change.EventId}: RulesEngine fired [{string.Join(", ", expected)}], the service fired [{string.Join(", ", actual)}]");
            everFired.UnionWith(actual);
        }

        return everFired;
    }

    private static ReSettings RuleExpressionCompilerSettings() => Aims.Risk.Core.Rules.RuleExpressionCompiler.CreateSettings();
}

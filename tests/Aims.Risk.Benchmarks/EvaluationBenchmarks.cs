using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Models;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Target 1 on the shipped pack (50 rules), per event: the hand-written predicates (baseline), the service's
/// compiled delegates producing the same fired set (like for like), the service's full evaluation (findings
/// with score, level, due date and rendered rationale), and RulesEngine's ExecuteAllRulesAsync for context.
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    public const int EventCount = 1024;

    private readonly List<string> _fired = new(64);
    private AiSystemChanged[] _events = [];
    private RuleSet _pack = null!;
    private RiskEvaluator _evaluator = null!;
    private RulesEngine.RulesEngine _engine = null!;
    private string[] _workflows = [];

    [GlobalSetup]
    public void Setup()
    {
        _pack = Workload.Pack;
        _events = Workload.Events(EventCount);
        _evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
        var workflows = _pack.ToRulesEngineWorkflows();
        _workflows = [.. workflows.Select(w => w.WorkflowName)];
        _engine = new RulesEngine.RulesEngine([.. workflows], RuleExpressionCompiler.CreateSettings());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public int HandWritten_FiredSet()
    {
        var total = 0;
        foreach (var change in _events)
        {
            _fired.Clear();
            Workload.FireHandWritten(change, _fired);
            total += _fired.Count;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int Service_FiredSet() => Workload.FiredCount(_events, _pack, _fired);

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int Service_Evaluate() => Workload.FindingCount(_events, _pack, _evaluator);

    [Benchmark(OperationsPerInvoke = EventCount)]
    public async Task<int> RulesEngine_ExecuteAllRules()
    {
        var total = 0;
        foreach (var change in _events)
        {
            var input = new RuleParameter(RuleExpressionCompiler.ParameterName, EventNormalizer.Normalize(change));
            foreach (var workflow in _workflows)
            {
                foreach (var result in await _engine.ExecuteAllRulesAsync(workflow, input))
                {
                    total += result.IsSuccess ? 1 : 0;
                }
            }
        }

        return total;
    }
}

using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Tests.Support;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Benchmarks;

/// <summary>Target 3: evaluation time per event against rule count (the pack of 50, ×10, ×100).</summary>
[MemoryDiagnoser]
public class RuleCountBenchmarks
{
    public const int EventCount = 64;

    private readonly List<string> _fired = new(4096);
    private AiSystemChanged[] _events = [];
    private RuleSet _rules = null!;
    private RiskEvaluator _evaluator = null!;

    [Params(1, 10, 100)]
    public int PackTimes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rules = RulePacks.Load(PackTimes);
        _events = Workload.Events(EventCount);
        _evaluator = new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now));
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int FiredSet()
    {
        var total = 0;
        foreach (var change in _events)
        {
            _fired.Clear();
            Workload.FireCompiled(change, _rules, _fired);
            total += _fired.Count;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int Evaluate()
    {
        var total = 0;
        foreach (var change in _events)
        {
            total += _evaluator.Evaluate(change, _rules).Findings.Count;
        }

        return total;
    }
}

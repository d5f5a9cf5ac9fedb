using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
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
    public int FiredSet() => Workload.FiredCount(_events, _rules, _fired);

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int Evaluate() => Workload.FindingCount(_events, _rules, _evaluator);
}

using System.Diagnostics.Metrics;
using Aims.Risk.Core.Observability;

namespace Aims.Risk.Core.Reassessment;

/// <summary>Re-assessment progress on the meter <c>Aims.Risk</c>: systems done, and systems remaining in unfinished runs.</summary>
public sealed class ReassessmentMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _systems;
    private readonly Histogram<double> _stages;
    private readonly Histogram<double> _enqueueRead;
    private long _remaining;
    private long _runs;

    public ReassessmentMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(RiskMetrics.Name);
        _systems = _meter.CreateCounter<long>("aims_risk.reassessment.systems", "{system}", "Systems re-assessed by this replica (skipped=true: a newer event or rule set came first)");
        _stages = _meter.CreateHistogram<double>("aims_risk.reassessment.stage.duration", "ms", "Time of each stage of re-assessing one system: input (its reads), evaluate, record (the assessment through the register), progress (its row of the run)");
        _enqueueRead = _meter.CreateHistogram<double>("aims_risk.reassessment.enqueue.read.duration", "ms", "Time to read the systems of a run before its messages are sent");
        _meter.CreateObservableGauge("aims_risk.reassessment.remaining", () => Interlocked.Read(ref _remaining), "{system}", "Systems enqueued and not re-assessed yet, over the unfinished runs (every replica's work)");
        _meter.CreateObservableGauge("aims_risk.reassessment.runs", () => Interlocked.Read(ref _runs), "{run}", "Unfinished re-assessment runs");
    }

    /// <summary>Systems still to do, as of the dispatcher's last look at the register.</summary>
    public long Remaining => Interlocked.Read(ref _remaining);

    /// <summary>Unfinished runs, as of the dispatcher's last look at the register.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    public void SystemReassessed(bool skipped) => _systems.Add(1, new KeyValuePair<string, object?>("skipped", skipped));

    /// <summary>One stage of re-assessing one system: <c>input</c>, <c>evaluate</c>, <c>record</c> or <c>progress</c>.</summary>
    public void Stage(string stage, TimeSpan elapsed) => _stages.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("stage", stage));

    public void EnqueueRead(TimeSpan elapsed) => _enqueueRead.Record(elapsed.TotalMilliseconds);

    public void Progress(long runs, long remaining)
    {
        Interlocked.Exchange(ref _runs, runs);
        Interlocked.Exchange(ref _remaining, remaining);
    }

    public void Dispose() => _meter.Dispose();
}

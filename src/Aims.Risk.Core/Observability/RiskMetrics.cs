using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.Core.Observability;

/// <summary>The service's own OpenTelemetry metrics and traces (meter and activity source <c>Aims.Risk</c>).</summary>
public sealed class RiskMetrics : IDisposable
{
    public const string Name = "Aims.Risk";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _eventsAssessed;
    private readonly Counter<long> _eventsRejected;
    private readonly Counter<long> _findings;
    private readonly Counter<long> _tasksPublished;
    private readonly Histogram<double> _evaluationTime;
    private volatile RuleSet? _activeRuleSet;

    public RiskMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(Name);
        _eventsAssessed = _meter.CreateCounter<long>("aims_risk.events.assessed", "{event}", "Change events assessed (duplicates included, with duplicate=true)");
        _eventsRejected = _meter.CreateCounter<long>("aims_risk.events.rejected", "{event}", "Change events refused to the error queue, by reason");
        _findings = _meter.CreateCounter<long>("aims_risk.findings", "{finding}", "Findings recorded, by level and category");
        _tasksPublished = _meter.CreateCounter<long>("aims_risk.tasks.published", "{task}", "Treatment tasks published (republished ones included)");
        _evaluationTime = _meter.CreateHistogram<double>("aims_risk.evaluation.duration", "ms", "Time to evaluate one event against the rule set");
        _meter.CreateObservableGauge(
            "aims_risk.ruleset.active",
            () => _activeRuleSet is { } r ? [new Measurement<int>(r.Rules.Count, new("version", r.Version), new("hash", r.Hash))] : Array.Empty<Measurement<int>>(),
            "{rule}",
            "The active rule set (version and hash as tags, rule count as value)");
    }

    public void RuleSetActivated(RuleSet ruleSet) => _activeRuleSet = ruleSet;

    public void EventAssessed(bool duplicate) => _eventsAssessed.Add(1, new KeyValuePair<string, object?>("duplicate", duplicate));

    public void EventRejected(string reason) => _eventsRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Finding(RiskLevel level, string category) =>
        _findings.Add(1, new KeyValuePair<string, object?>("level", level.ToString()), new KeyValuePair<string, object?>("category", category));

    public void TasksPublished(int count) => _tasksPublished.Add(count);

    public void Evaluated(TimeSpan elapsed) => _evaluationTime.Record(elapsed.TotalMilliseconds);

    public void Dispose() => _meter.Dispose();
}

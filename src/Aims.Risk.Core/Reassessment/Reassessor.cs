using System.Diagnostics;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Impact;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Reassessment;

/// <summary>
/// Re-assesses one system, apart from messaging: its input (the assessment the run named) is evaluated with the active
/// rule set and recorded as a new assessment under a derived event id (<see cref="ReassessmentIds.DerivedEvent"/>),
/// reconciled with the system's risks exactly as a new event is, with the cause <c>rule set X.Y.Z</c>. A redelivery
/// records a duplicate and yields the same tasks and status events; what the run did to the system is written once.
/// </summary>
public sealed class Reassessor(RuleSetProvider rules, RiskEvaluator evaluator, IRiskRegister register, TimeProvider clock, ReassessmentMetrics? metrics = null)
{
    public async Task<ReassessmentOutcome> ReassessAsync(ReassessSystem message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var outcome = await DecideAsync(message, cancellationToken);
        var opened = outcome.Changes.Count(c => c.FromStatus is null or RiskStatus.Resolved);
        var resolved = outcome.Changes.Count(c => c.ToStatus == RiskStatus.Resolved);
        var started = Stopwatch.GetTimestamp();
        await register.RecordReassessedSystemAsync(
            new ReassessedSystem(message.RunId, message.SystemId, outcome.DerivedEventId, clock.GetUtcNow(), opened, resolved, outcome.Changes.Count - opened - resolved),
            cancellationToken);
        metrics?.Stage("progress", Stopwatch.GetElapsedTime(started));
        return outcome;
    }

    private async Task<ReassessmentOutcome> DecideAsync(ReassessSystem message, CancellationToken cancellationToken)
    {
        var ruleSet = rules.Current;
        if (message.Reason == ReassessmentRun.OnActivation && message.RuleSetHash != ruleSet.Hash)
        {
            return ReassessmentOutcome.Skip($"rule set {ruleSet.Version} ({ruleSet.Hash[..12]}) replaced the one the run was for");
        }

        var derived = ReassessmentIds.DerivedEvent(ruleSet.Hash, message.SystemId, message.EventId);
        var started = Stopwatch.GetTimestamp();
        LatestInput? latest = null;
        await foreach (var input in register.ReadLatestInputsAsync(message.SystemId, cancellationToken))
        {
            latest = input;
        }

        if (latest is null || (latest.EventId != message.EventId && latest.EventId != derived))
        {
            // A newer event was assessed since the run was enqueued, with the rule set active then: re-assessing the
            // older input would put the system back as it was.
            return ReassessmentOutcome.Skip($"system {message.SystemId} was assessed again after the run was enqueued");
        }

        if (message.Reason == ReassessmentRun.OnActivation && latest.EventId == message.EventId && latest.RuleSetHash == ruleSet.Hash)
        {
            return ReassessmentOutcome.Skip($"system {message.SystemId} was assessed with rule set {ruleSet.Version} already");
        }

        // The latest input is the event the run named (its payload is in hand); only a redelivery, after the derived
        // event was recorded, reads the original again.
        string? payload = latest.EventId == message.EventId ? latest.Payload : (await register.FindAssessmentAsync(message.EventId, cancellationToken))?.Payload;
        if (payload is null)
        {
            return ReassessmentOutcome.Skip($"event {message.EventId} is not in the register");
        }

        var change = JsonSerializer.Deserialize<AiSystemChanged>(payload, ContractJson.Options)!;
        change = change with { EventId = derived };
        metrics?.Stage("input", Stopwatch.GetElapsedTime(started));
        started = Stopwatch.GetTimestamp();
        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(evaluator, register, change, ruleSet, cancellationToken);
        change = assessment.Change;
        var record = RegisterMapping.ToRecord(assessment) with
        {
            ReassessedEventId = message.EventId,
            Cause = $"rule set {ruleSet.Version} (re-assessment of event {message.EventId})",
        };
        metrics?.Stage("evaluate", Stopwatch.GetElapsedTime(started));
        started = Stopwatch.GetTimestamp();
        var result = await register.RecordAsync(record, cancellationToken);
        metrics?.Stage("record", Stopwatch.GetElapsedTime(started));
        var tasks = result.Entries.Where(e => e.TaskId is not null).Select(e => RegisterMapping.ToTask(e, change)).ToList();
        return new ReassessmentOutcome(derived, result.IsDuplicate, tasks, result.Changes, Skipped: null);
    }
}

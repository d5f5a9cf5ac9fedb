using Aims.Risk.Contracts;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Risks;

/// <summary>
/// Reconciles an assessed event with the system's risks as they stand (ISO/IEC 42001 6.1.2-6.1.3): a rule that fires
/// where no risk is open opens one (one task); the same or a lower level re-confirms it (no task); a higher level
/// escalates it (a new task, and an accepted or treated risk goes back to treatment); a system-scoped rule that the
/// event shows no longer holds resolves it. Pure: the register supplies the risks and writes the result.
/// </summary>
public static class RiskReconciler
{
    /// <summary>The actor of transitions that an assessment causes.</summary>
    public const string AssessmentActor = "aims-risk";

    public static Reconciliation Reconcile(AssessmentRecord assessment, IReadOnlyList<RiskRecord> current)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(current);
        var risks = current.ToDictionary(r => r.RuleId, StringComparer.Ordinal);
        var entries = new List<RiskEntryRecord>(assessment.Entries.Count);
        var inserted = new List<RiskRecord>();
        var updated = new List<(RiskRecord, long)>();
        var history = new List<RiskHistoryRecord>();
        var reconfirmed = new HashSet<Guid>();
        var at = assessment.AssessedAt;
        var cause = assessment.Cause ?? $"event {assessment.EventId}";

        foreach (var entry in assessment.Entries)
        {
            var requiresTreatment = entry.Status == RiskEntryStatus.TreatmentRequested;
            var eventTask = requiresTreatment ? entry.TaskId : null;
            risks.TryGetValue(entry.RuleId, out var risk);
            if (risk is null || !risk.IsOpen)
            {
                var opened = Confirmed(risk, entry, assessment) with
                {
                    Status = requiresTreatment ? RiskStatus.TreatmentRequested : RiskStatus.Tolerated,
                    ResidualLikelihood = null,
                    ResidualImpact = null,
                    ResidualLevel = null,
                    AcceptedBy = null,
                    AcceptedUntil = null,
                    DueBy = requiresTreatment ? entry.DueBy : null,
                    OpenTaskId = eventTask,
                    FirstSeenAt = risk?.FirstSeenAt ?? at,
                    OverdueNoticeFor = null,
                };
                var reason = risk is null
                    ? $"rule {entry.RuleId} fired on {cause}"
                    : $"reopened: rule {entry.RuleId} fired again on {cause}";
                Transition(risk, opened, reason, eventTask);
                entries.Add(entry with { TaskId = eventTask });
                continue;
            }

            var escalated = entry.Level > risk.Level;
            var crossesThreshold = requiresTreatment && risk.Status == RiskStatus.Tolerated;
            if (!escalated && !crossesThreshold)
            {
                var seen = Confirmed(risk, entry, assessment) with { Likelihood = risk.Likelihood, Impact = risk.Impact, Score = risk.Score, Level = risk.Level };
                updated.Add((seen, risk.Version));
                if (OnlySeenChanged(risk, seen))
                {
                    reconfirmed.Add(seen.RiskId);
                }

                entries.Add(entry with { TaskId = null });
                continue;
            }

            var next = Confirmed(risk, entry, assessment);
            if (requiresTreatment)
            {
                next = next with
                {
                    Status = RiskStatus.TreatmentRequested,
                    DueBy = entry.DueBy,
                    OpenTaskId = eventTask,
                    AcceptedBy = null,
                    AcceptedUntil = null,
                    OverdueNoticeFor = null,
                };
            }

            var why = escalated
                ? $"escalated from {risk.Level} to {entry.Level} by {cause}"
                : $"now at or above the acceptance threshold on {cause}";
            Transition(risk, next, why, requiresTreatment ? eventTask : null);
            entries.Add(entry with { TaskId = requiresTreatment ? eventTask : null });
        }

        foreach (var ruleId in assessment.ClearedRuleIds)
        {
            if (risks.TryGetValue(ruleId, out var risk) && risk.IsOpen && !assessment.Entries.Any(e => e.RuleId == ruleId))
            {
                var resolved = risk with
                {
                    Status = RiskStatus.Resolved,
                    OpenTaskId = null,
                    LastEventId = assessment.EventId,
                    Version = risk.Version + 1,
                };
                Transition(risk, resolved, $"no longer holds on {cause}: rule {ruleId} did not fire with its evidence present", taskId: null);
            }
        }

        var byId = inserted.Concat(updated.Select(u => u.Item1)).ToDictionary(r => r.RiskId);
        var changes = history.Select(h => RegisterMapping.ToStatusChanged(h, byId[h.RiskId])).ToList();
        return new Reconciliation(entries, inserted, updated, history, changes, reconfirmed);

        void Transition(RiskRecord? before, RiskRecord after, string reason, Guid? taskId)
        {
            if (before is null)
            {
                inserted.Add(after);
            }
            else
            {
                updated.Add((after, before.Version));
            }

            history.Add(new RiskHistoryRecord
            {
                ChangeId = RiskIds.ChangeByEvent(after.RiskId, assessment.EventId),
                RiskId = after.RiskId,
                At = at,
                FromStatus = before?.Status,
                ToStatus = after.Status,
                Actor = AssessmentActor,
                Reason = reason,
                EventId = assessment.EventId,
                Level = after.Level,
                ResidualLevel = after.ResidualLevel,
                TaskId = taskId,
            });
        }
    }

    /// <summary>
    /// True when <paramref name="next"/> is <paramref name="stored"/> seen again: the same in every column but the
    /// last-seen ones (<see cref="RiskRecord.LastSeenAt"/>, <see cref="RiskRecord.LastEventId"/>, the rule set, the version).
    /// </summary>
    private static bool OnlySeenChanged(RiskRecord stored, RiskRecord next) =>
        next with
        {
            LastSeenAt = stored.LastSeenAt,
            LastEventId = stored.LastEventId,
            RuleSetVersion = stored.RuleSetVersion,
            RuleSetHash = stored.RuleSetHash,
            Version = stored.Version,
            Controls = stored.Controls,
        } == stored
        && next.Controls.SequenceEqual(stored.Controls, StringComparer.Ordinal);

    /// <summary>The risk as this finding shows it: inherent values, last seen, rule set; status left as it was.</summary>
    private static RiskRecord Confirmed(RiskRecord? risk, RiskEntryRecord entry, AssessmentRecord assessment) => new()
    {
        RiskId = entry.RiskId,
        SystemId = entry.SystemId,
        RuleId = entry.RuleId,
        Category = entry.Category,
        Title = entry.Title,
        Owner = string.IsNullOrEmpty(assessment.Owner) ? risk?.Owner ?? "" : assessment.Owner,
        Status = risk?.Status ?? RiskStatus.Tolerated,
        Likelihood = entry.Likelihood,
        Impact = entry.Impact,
        Score = entry.Score,
        Level = entry.Level,
        Controls = entry.Controls,
        ResidualLikelihood = risk?.ResidualLikelihood,
        ResidualImpact = risk?.ResidualImpact,
        ResidualLevel = risk?.ResidualLevel,
        AcceptedBy = risk?.AcceptedBy,
        AcceptedUntil = risk?.AcceptedUntil,
        DueBy = risk?.DueBy,
        OpenTaskId = risk?.OpenTaskId,
        FirstSeenAt = risk?.FirstSeenAt ?? assessment.AssessedAt,
        LastSeenAt = assessment.AssessedAt,
        LastEventId = assessment.EventId,
        RuleSetVersion = assessment.RuleSetVersion,
        RuleSetHash = assessment.RuleSetHash,
        OverdueNoticeFor = risk?.OverdueNoticeFor,
        Version = (risk?.Version ?? 0) + 1,
    };
}

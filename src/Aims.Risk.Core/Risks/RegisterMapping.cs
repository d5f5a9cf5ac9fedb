using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Risks;

/// <summary>
/// The one place where a finding becomes a register entry, an entry a treatment task, and a transition a status
/// event: a new field is one edit here.
/// </summary>
public static class RegisterMapping
{
    /// <summary>The assessment as the register stores it, each finding an entry linked to its risk.</summary>
    public static AssessmentRecord ToRecord(EventAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var change = assessment.Change;
        return new AssessmentRecord
        {
            EventId = change.EventId,
            SystemId = change.System.Id,
            ChangeType = change.ChangeType.ToString(),
            OccurredAt = change.OccurredAt,
            AssessedAt = assessment.AssessedAt,
            RuleSetVersion = assessment.RuleSetVersion,
            RuleSetHash = assessment.RuleSetHash,
            Payload = CanonicalPayload(change),
            Owner = change.System.Owner,
            ClearedRuleIds = assessment.Cleared,
            RuleErrors = assessment.Errors,
            Entries = [.. assessment.Findings.Select(f => ToEntry(f, assessment))],
        };
    }

    public static RiskEntryRecord ToEntry(Finding finding, EventAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(assessment);
        var change = assessment.Change;
        return new RiskEntryRecord
        {
            Id = TaskIds.For(change.EventId, finding.RuleId),
            EventId = change.EventId,
            RiskId = RiskIds.For(change.System.Id, finding.RuleId),
            SystemId = change.System.Id,
            RuleId = finding.RuleId,
            Category = finding.Category,
            Title = finding.Title,
            Rationale = finding.Rationale,
            Likelihood = finding.Likelihood,
            Impact = finding.Impact,
            Score = finding.Score,
            Level = finding.Level,
            Treatment = finding.Treatment,
            Controls = finding.Controls,
            Nist = finding.Nist,
            MitDomain = finding.MitDomain,
            Guidance = finding.Guidance,
            Status = finding.RequiresTreatment ? RiskEntryStatus.TreatmentRequested : RiskEntryStatus.Accepted,
            TaskId = finding.TaskId,
            DueBy = finding.DueBy,
            RuleSetVersion = assessment.RuleSetVersion,
            RuleSetHash = assessment.RuleSetHash,
            CreatedAt = assessment.AssessedAt,
        };
    }

    /// <summary>The task of an entry that requested one, with what the event said about the system.</summary>
    public static RiskTreatmentRequested ToTask(RiskEntryRecord entry, AiSystemChanged change)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(change);
        return new RiskTreatmentRequested
        {
            TaskId = entry.TaskId ?? throw new ArgumentException($"entry {entry.Id} requested no task", nameof(entry)),
            EventId = entry.EventId,
            RiskId = entry.RiskId,
            SystemId = entry.SystemId,
            SystemName = change.System.Name,
            Owner = change.System.Owner,
            Category = entry.Category,
            RuleId = entry.RuleId,
            RuleSetVersion = entry.RuleSetVersion,
            RuleSetHash = entry.RuleSetHash,
            Title = entry.Title,
            Rationale = entry.Rationale,
            Likelihood = entry.Likelihood,
            Impact = entry.Impact,
            Score = entry.Score,
            Level = entry.Level,
            Treatment = entry.Treatment,
            Controls = entry.Controls,
            ControlTitles = [.. entry.Controls.Select(ControlTitle)],
            Nist = entry.Nist,
            MitDomain = entry.MitDomain,
            Guidance = entry.Guidance,
            Source = change.Source,
            Attributes = change.Attributes,
            DueBy = entry.DueBy ?? entry.CreatedAt,
            CreatedAt = entry.CreatedAt,
        };
    }

    /// <summary>A task that a transition without an event requests (reopening, expiry): from the risk as it stands.</summary>
    public static RiskTreatmentRequested ToTask(RiskRecord risk, RiskHistoryRecord transition, RiskEntryRecord? latest)
    {
        ArgumentNullException.ThrowIfNull(risk);
        ArgumentNullException.ThrowIfNull(transition);
        return new RiskTreatmentRequested
        {
            TaskId = transition.TaskId ?? throw new ArgumentException($"transition {transition.ChangeId} requested no task", nameof(transition)),
            EventId = risk.LastEventId,
            RiskId = risk.RiskId,
            SystemId = risk.SystemId,
            SystemName = risk.SystemId,
            Owner = risk.Owner,
            Category = risk.Category,
            RuleId = risk.RuleId,
            RuleSetVersion = risk.RuleSetVersion,
            RuleSetHash = risk.RuleSetHash,
            Title = risk.Title,
            Rationale = $"{transition.Reason}. {latest?.Rationale}".TrimEnd(' ', '.') ,
            Likelihood = risk.Likelihood,
            Impact = risk.Impact,
            Score = risk.Score,
            Level = risk.Level,
            Treatment = latest?.Treatment is { } treatment && treatment != Treatment.Accept ? treatment : Treatment.Mitigate,
            Controls = latest?.Controls ?? [],
            ControlTitles = [.. (latest?.Controls ?? []).Select(ControlTitle)],
            Nist = latest?.Nist,
            MitDomain = latest?.MitDomain,
            Guidance = latest?.Guidance,
            DueBy = risk.DueBy ?? transition.At,
            CreatedAt = transition.At,
        };
    }

    public static RiskStatusChanged ToStatusChanged(RiskHistoryRecord transition, RiskRecord risk)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(risk);
        return new RiskStatusChanged
        {
            ChangeId = transition.ChangeId,
            RiskId = transition.RiskId,
            SystemId = risk.SystemId,
            RuleId = risk.RuleId,
            Category = risk.Category,
            FromStatus = transition.FromStatus,
            ToStatus = transition.ToStatus,
            Level = transition.Level,
            ResidualLevel = transition.ResidualLevel,
            Actor = transition.Actor,
            Reason = transition.Reason,
            At = transition.At,
        };
    }

    /// <summary>The payload as stored: re-serialised with sorted attributes, so equal events compare equal.</summary>
    public static string CanonicalPayload(AiSystemChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var canonical = change.Attributes is { Count: > 1 } attributes
            ? change with { Attributes = new SortedDictionary<string, AttributeValue>(attributes.ToDictionary(), StringComparer.Ordinal) }
            : change;
        return JsonSerializer.Serialize(canonical, ContractJson.Options);
    }

    private static string ControlTitle(string control) =>
        ReferenceData.AnnexATitles.TryGetValue(control, out var title) ? title : control;
}

namespace Aims.Risk.Core.Storage;

/// <summary>One row of <c>Assessments</c> with the <c>RiskEntries</c> it produced.</summary>
public sealed record AssessmentRecord
{
    public required Guid EventId { get; init; }

    public required string SystemId { get; init; }

    public required string ChangeType { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required DateTimeOffset AssessedAt { get; init; }

    public required string RuleSetVersion { get; init; }

    public required string RuleSetHash { get; init; }

    /// <summary>The input event as canonical JSON (re-serialised), so a redelivery compares equal.</summary>
    public required string Payload { get; init; }

    public required IReadOnlyList<RiskEntryRecord> Entries { get; init; }

    /// <summary>The system's owner, who owns the risks this assessment opens.</summary>
    public string Owner { get; init; } = "";

    /// <summary>
    /// System-scoped rules that did not fire although the event carried every value they read: their open risks
    /// no longer hold and are resolved.
    /// </summary>
    public IReadOnlyList<string> ClearedRuleIds { get; init; } = [];

    /// <summary>Rules that failed to evaluate on this event (threw or hit their budget): stored, since they count as not fired.</summary>
    public IReadOnlyList<Scoring.RuleEvaluationError> RuleErrors { get; init; } = [];

    /// <summary>For a re-assessment (recorded under a derived event id): the event whose input it re-assessed.</summary>
    public Guid? ReassessedEventId { get; init; }

    /// <summary>What caused the assessment, for the risks' history (not stored here): <c>rule set X.Y.Z</c> for a re-assessment; the event otherwise.</summary>
    public string? Cause { get; init; }
}

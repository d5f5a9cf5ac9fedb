namespace Aims.Risk.Core.Storage;

/// <summary>
/// The risk register: assessments, their risk entries and the archived rule-set versions.
/// Writes are idempotent on EventId and (EventId, RuleId), so at-least-once delivery is safe.
/// </summary>
public interface IRiskRegister
{
    /// <summary>Applies the schema scripts that have not run yet. Safe to call on every start.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the assessment and its entries in one transaction. When the event was recorded before with the
    /// same payload, writes nothing and returns the stored entries (so their tasks can be republished);
    /// with a different payload, throws <see cref="EventConflictException"/>.
    /// </summary>
    Task<RecordResult> RecordAsync(AssessmentRecord assessment, CancellationToken cancellationToken);

    /// <summary>Archives an activated rule-set version; a hash already archived is left as it is.</summary>
    Task ArchiveRuleSetAsync(RuleSetArchive ruleSet, CancellationToken cancellationToken);

    Task<AssessmentRecord?> FindAssessmentAsync(Guid eventId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RiskEntryRecord>> QueryEntriesAsync(RegisterQuery query, CancellationToken cancellationToken);

    /// <summary>Cheap round trip for health checks.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

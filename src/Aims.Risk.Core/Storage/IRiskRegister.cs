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

    /// <summary>Every archived rule set, oldest activation first: the version discipline and the diff compare with them.</summary>
    Task<IReadOnlyList<RuleSetArchive>> ReadRuleSetsAsync(CancellationToken cancellationToken);

    /// <summary>The input of each system's latest assessment (of one system when <paramref name="systemId"/> is set), streamed, ordered by system.</summary>
    IAsyncEnumerable<LatestInput> ReadLatestInputsAsync(string? systemId, CancellationToken cancellationToken);

    /// <summary>
    /// The key of each system's latest assessment (of one system when <paramref name="systemId"/> is set), streamed,
    /// ordered by system: the same assessments as <see cref="ReadLatestInputsAsync"/>, without reading their payloads.
    /// </summary>
    IAsyncEnumerable<LatestAssessment> ReadLatestAssessmentsAsync(string? systemId, CancellationToken cancellationToken);

    /// <summary>Creates a re-assessment run unless one with its <see cref="ReassessmentRun.RunKey"/> exists; true when this call created it.</summary>
    Task<bool> RequestReassessmentAsync(ReassessmentRun run, CancellationToken cancellationToken);

    /// <summary>Claims one run to enqueue: not enqueued yet and unclaimed, or claimed before <paramref name="staleBefore"/> (its claimant stopped). Null when none.</summary>
    Task<ReassessmentRun?> ClaimReassessmentAsync(DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a claim while the run is enqueued: moves its <see cref="ReassessmentRun.ClaimedAt"/> from
    /// <paramref name="claimedAt"/> to <paramref name="now"/>. False when the claim is no longer this replica's (another
    /// claimed the run once it looked stale) or the run is enqueued.
    /// </summary>
    Task<bool> RenewReassessmentClaimAsync(Guid runId, DateTimeOffset claimedAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The run's messages are all sent: how many systems, with which rule set.</summary>
    Task MarkReassessmentEnqueuedAsync(Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>What the run did to one system, written once; the run finishes with its last system.</summary>
    Task RecordReassessedSystemAsync(ReassessedSystem system, CancellationToken cancellationToken);

    /// <summary>Re-assessment runs, newest first.</summary>
    Task<IReadOnlyList<ReassessmentRun>> ReadReassessmentsAsync(bool unfinishedOnly, int limit, CancellationToken cancellationToken);

    Task<AssessmentRecord?> FindAssessmentAsync(Guid eventId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RiskEntryRecord>> QueryEntriesAsync(RegisterQuery query, CancellationToken cancellationToken);

    /// <summary>The risks, filtered; ordered by system and rule.</summary>
    Task<IReadOnlyList<RiskRecord>> QueryRisksAsync(RiskQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Every risk (of one system when <paramref name="systemId"/> is set), streamed in one read, in no particular order:
    /// a report of the whole register without holding it. Not repeated on a transient failure; the caller runs it again.
    /// </summary>
    IAsyncEnumerable<RiskRecord> StreamRisksAsync(string? systemId, CancellationToken cancellationToken);

    /// <summary>Every transition of the risks (of one system's risks when <paramref name="systemId"/> is set), streamed in one read, in no particular order.</summary>
    IAsyncEnumerable<RiskHistoryRecord> StreamHistoryAsync(string? systemId, CancellationToken cancellationToken);

    /// <summary>A risk with its findings and history, or null.</summary>
    Task<RiskDetail?> FindRiskAsync(Guid riskId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one transition decided on the risk as it stands, in one transaction with its history row and its
    /// messages in the outbox. <paramref name="updateId"/>, when given, makes it idempotent: an update applied before
    /// returns a duplicate and changes nothing. <paramref name="decide"/> sees the risk and its latest finding, and
    /// returns null when there is nothing to do; it throws to refuse.
    /// </summary>
    Task<Risks.TransitionOutcome> TransitionAsync(
        Guid? riskId,
        Guid? taskId,
        Guid? updateId,
        Func<RiskRecord, Risks.RiskTransition?> decide,
        CancellationToken cancellationToken);

    /// <summary>Risks the sweep should look at: acceptances expired and treatments past due by <paramref name="now"/>.</summary>
    Task<IReadOnlyList<RiskRecord>> ReadDueRisksAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Outbox messages not published yet, oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int limit, CancellationToken cancellationToken);

    Task MarkPublishedAsync(Guid messageId, DateTimeOffset publishedAt, CancellationToken cancellationToken);

    /// <summary>The system's current AI system impact assessment: its latest submitted version (without its risks), or null.</summary>
    Task<ImpactAssessmentRecord?> FindCurrentImpactAssessmentAsync(string systemId, CancellationToken cancellationToken);

    /// <summary>Every submitted version of the system's impact assessment, newest first, each with the risks it covers.</summary>
    Task<IReadOnlyList<ImpactAssessmentRecord>> ReadImpactAssessmentsAsync(string systemId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a submitted impact assessment as the system's next version (never replacing one), in one transaction with
    /// a link to each risk of the system whose rule is in <paramref name="coveredRuleIds"/> and the transitions that
    /// <paramref name="resolve"/> decides for the system's open risks: it sees the record as stored, the risk and the
    /// payload of the risk's latest event, and returns null to leave the risk as it is (its transitions request no
    /// task). Each transition is written with its history row and its status event in the outbox, and its risk is
    /// linked too. A race lost to another writer (a concurrent submission, an event changing a risk) is retried whole.
    /// </summary>
    Task<ImpactAssessmentSubmission> SubmitImpactAssessmentAsync(
        ImpactAssessmentRecord assessment,
        IReadOnlyCollection<string> coveredRuleIds,
        Func<ImpactAssessmentRecord, RiskRecord, string?, Risks.RiskTransition?> resolve,
        CancellationToken cancellationToken);

    /// <summary>Cheap round trip for health checks.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What is wrong with the store's own files now, for people (what and where), or null. SQLite: the database file
    /// deleted, moved away, replaced by another file, or not writable; while it is not null every write fails with
    /// <see cref="RegisterFileException"/>. A store without files of its own (SQL Server) has nothing to report.
    /// </summary>
    string? CheckFiles() => null;
}

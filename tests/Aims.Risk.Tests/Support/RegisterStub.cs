using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Tests.Support;

/// <summary>A register for tests that need only part of one: every member refuses unless a test overrides it.</summary>
public abstract class RegisterStub : IRiskRegister
{
    public virtual Task MigrateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task ArchiveRuleSetAsync(RuleSetArchive ruleSet, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task<IReadOnlyList<RuleSetArchive>> ReadRuleSetsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<RuleSetArchive>>([]);

    public virtual IAsyncEnumerable<LatestInput> ReadLatestInputsAsync(string? systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual IAsyncEnumerable<LatestAssessment> ReadLatestAssessmentsAsync(string? systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<bool> RequestReassessmentAsync(ReassessmentRun run, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<ReassessmentRun?> ClaimReassessmentAsync(DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<bool> RenewReassessmentClaimAsync(Guid runId, DateTimeOffset claimedAt, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task MarkReassessmentEnqueuedAsync(Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task RecordReassessedSystemAsync(ReassessedSystem system, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<ReassessmentRun>> ReadReassessmentsAsync(bool unfinishedOnly, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<RecordResult> RecordAsync(AssessmentRecord assessment, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<AssessmentRecord?> FindAssessmentAsync(Guid eventId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<RiskEntryRecord>> QueryEntriesAsync(RegisterQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<RiskRecord>> QueryRisksAsync(RiskQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual IAsyncEnumerable<RiskRecord> StreamRisksAsync(string? systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual IAsyncEnumerable<RiskHistoryRecord> StreamHistoryAsync(string? systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<RiskDetail?> FindRiskAsync(Guid riskId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<TransitionOutcome> TransitionAsync(Guid? riskId, Guid? taskId, Guid? updateId, Func<RiskRecord, RiskTransition?> decide, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public virtual Task<IReadOnlyList<RiskRecord>> ReadDueRisksAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task MarkPublishedAsync(Guid messageId, DateTimeOffset publishedAt, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>No impact assessment submitted: events are assessed as they come.</summary>
    public virtual Task<ImpactAssessmentRecord?> FindCurrentImpactAssessmentAsync(string systemId, CancellationToken cancellationToken) => Task.FromResult<ImpactAssessmentRecord?>(null);

    public virtual Task<IReadOnlyList<ImpactAssessmentRecord>> ReadImpactAssessmentsAsync(string systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<ImpactAssessmentSubmission> SubmitImpactAssessmentAsync(
        ImpactAssessmentRecord assessment, IReadOnlyCollection<string> coveredRuleIds, Func<ImpactAssessmentRecord, RiskRecord, string?, RiskTransition?> resolve, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

using System.Data.Common;

namespace Aims.Risk.Core.Storage;

/// <summary>Re-assessment runs: requested once per key, claimed by one replica, finished when every system is done.</summary>
public abstract partial class DbRiskRegister
{
    public async Task<bool> RequestReassessmentAsync(ReassessmentRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                try
                {
                    return await InsertRunIfAbsentAsync(connection, run, token);
                }
                catch (DbException ex) when (IsUniqueKeyViolation(ex))
                {
                    // Another replica requested the same run at the same moment: it is there, and it is theirs.
                    return false;
                }
            },
            cancellationToken);
    }

    public async Task<ReassessmentRun?> ClaimReassessmentAsync(DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                foreach (var run in await ReadClaimableRunsAsync(connection, staleBefore, token))
                {
                    // The conditional update is the claim: of two replicas that read the same run, one changes the row.
                    if (await ClaimRunAsync(connection, run.RunId, now, staleBefore, token))
                    {
                        return run with { ClaimedAt = now };
                    }
                }

                return null;
            },
            cancellationToken);

    public async Task MarkReassessmentEnqueuedAsync(Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                await MarkRunEnqueuedAsync(connection, runId, ruleSetVersion, ruleSetHash, systems, at, token);
                await FinishRunIfDoneAsync(connection, runId, at, token);
            },
            cancellationToken);

    public async Task RecordReassessedSystemAsync(ReassessedSystem system, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                try
                {
                    await InsertReassessedSystemIfAbsentAsync(connection, system, token);
                }
                catch (DbException ex) when (IsUniqueKeyViolation(ex))
                {
                    // A redelivery raced its first delivery: the system's row is written once, as wanted.
                }

                await FinishRunIfDoneAsync(connection, system.RunId, system.At, token);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<ReassessmentRun>> ReadReassessmentsAsync(bool unfinishedOnly, int limit, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadRunsAsync(connection, unfinishedOnly, limit, token);
            },
            cancellationToken);

    /// <summary>Inserts the run unless one with its key exists; true when this call inserted it.</summary>
    protected abstract Task<bool> InsertRunIfAbsentAsync(DbConnection connection, ReassessmentRun run, CancellationToken cancellationToken);

    /// <summary>Unfinished runs not enqueued yet, unclaimed or claimed before <paramref name="staleBefore"/>, oldest first.</summary>
    protected abstract Task<IReadOnlyList<ReassessmentRun>> ReadClaimableRunsAsync(DbConnection connection, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    protected abstract Task<bool> ClaimRunAsync(DbConnection connection, Guid runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    protected abstract Task MarkRunEnqueuedAsync(DbConnection connection, Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken);

    protected abstract Task InsertReassessedSystemIfAbsentAsync(DbConnection connection, ReassessedSystem system, CancellationToken cancellationToken);

    /// <summary>Once enqueued and every system is done: the finish time and the totals, summed from the systems' rows.</summary>
    protected abstract Task FinishRunIfDoneAsync(DbConnection connection, Guid runId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Newest request first, with the systems done so far.</summary>
    protected abstract Task<IReadOnlyList<ReassessmentRun>> ReadRunsAsync(DbConnection connection, bool unfinishedOnly, int limit, CancellationToken cancellationToken);
}

using System.Data.Common;

namespace Aims.Risk.Core.Storage;

/// <summary>Re-assessment runs: requested once per key, claimed by one replica, finished when every system is done.</summary>
public abstract partial class DbRiskRegister
{
    private const int MaxReassessedBatch = 256;

    private readonly Queue<PendingReassessedSystem> _reassessedWaiting = new();
    private bool _reassessedWriting;

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

    public async Task<bool> RenewReassessmentClaimAsync(Guid runId, DateTimeOffset claimedAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                return await RenewClaimAsync(connection, runId, claimedAt, now, token);
            },
            cancellationToken);

    public async Task MarkReassessmentEnqueuedAsync(Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                await MarkRunEnqueuedAsync(connection, runId, ruleSetVersion, ruleSetHash, systems, at, token);
                await FinishRunIfDoneAsync(connection, null, runId, at, token);
            },
            cancellationToken);

    /// <summary>
    /// The rows of systems re-assessed at the same time are written together, in one transaction, by one writer: in
    /// SQLite each transaction takes the register's one write lock and waits for the disk, and a transaction per
    /// system did both once more for every system, beside its assessment's group commit. Each caller returns once its
    /// row is committed, as before.
    /// </summary>
    public Task RecordReassessedSystemAsync(ReassessedSystem system, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var pending = new PendingReassessedSystem(system);
        bool startWriter;
        lock (_reassessedWaiting)
        {
            _reassessedWaiting.Enqueue(pending);
            startWriter = !_reassessedWriting;
            _reassessedWriting = true;
        }

        if (startWriter)
        {
            _ = Task.Run(WriteReassessedSystemsAsync, CancellationToken.None);
        }

        return cancellationToken.CanBeCanceled ? pending.Written.Task.WaitAsync(cancellationToken) : pending.Written.Task;
    }

    public async Task<IReadOnlyList<ReassessmentRun>> ReadReassessmentsAsync(bool unfinishedOnly, int limit, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadRunsAsync(connection, unfinishedOnly, limit, token);
            },
            cancellationToken);

    private async Task WriteReassessedSystemsAsync()
    {
        while (true)
        {
            List<PendingReassessedSystem> batch;
            lock (_reassessedWaiting)
            {
                if (_reassessedWaiting.Count == 0)
                {
                    _reassessedWriting = false;
                    return;
                }

                batch = new List<PendingReassessedSystem>(Math.Min(_reassessedWaiting.Count, MaxReassessedBatch));
                while (batch.Count < MaxReassessedBatch && _reassessedWaiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }

            try
            {
                await WriteReassessedBatchAsync(batch);
                foreach (var pending in batch)
                {
                    pending.Written.TrySetResult();
                }
            }
#pragma warning disable CA1031 // The failure belongs to the callers: each of them gets it.
            catch (Exception ex) when (batch.Count > 1 && !TransientSqlErrors.IsTransient(ex))
#pragma warning restore CA1031
            {
                // One row the register refuses (say, of a run that is not there) fails alone, as it did in its own
                // transaction: each row again, one at a time.
                foreach (var pending in batch)
                {
                    try
                    {
                        await WriteReassessedBatchAsync([pending]);
                        pending.Written.TrySetResult();
                    }
#pragma warning disable CA1031
                    catch (Exception single)
#pragma warning restore CA1031
                    {
                        pending.Written.TrySetException(single);
                    }
                }
            }
#pragma warning disable CA1031
            catch (Exception ex)
#pragma warning restore CA1031
            {
                foreach (var pending in batch)
                {
                    pending.Written.TrySetException(ex);
                }
            }
        }
    }

    private async Task WriteReassessedBatchAsync(List<PendingReassessedSystem> batch) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                await using var transaction = await BeginWriteTransactionAsync(connection, token);
                foreach (var pending in batch)
                {
                    try
                    {
                        _ = await InsertReassessedSystemIfAbsentAsync(connection, transaction, pending.System, token);
                    }
                    catch (DbException ex) when (IsUniqueKeyViolation(ex))
                    {
                        // A redelivery raced its first delivery on another replica: the system's row is written once, as wanted.
                    }
                }

                // A run finishes at the time of its last system's row.
                foreach (var run in batch.GroupBy(p => p.System.RunId))
                {
                    await FinishRunIfDoneAsync(connection, transaction, run.Key, run.Max(p => p.System.At), token);
                }

                await transaction.CommitAsync(token);
            },
            CancellationToken.None);

    /// <summary>Inserts the run unless one with its key exists; true when this call inserted it.</summary>
    protected abstract Task<bool> InsertRunIfAbsentAsync(DbConnection connection, ReassessmentRun run, CancellationToken cancellationToken);

    /// <summary>Unfinished runs not enqueued yet, unclaimed or claimed before <paramref name="staleBefore"/>, oldest first.</summary>
    protected abstract Task<IReadOnlyList<ReassessmentRun>> ReadClaimableRunsAsync(DbConnection connection, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    protected abstract Task<bool> ClaimRunAsync(DbConnection connection, Guid runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    /// <summary>The conditional update that keeps a claim: true when the run was still claimed at <paramref name="claimedAt"/> and not enqueued.</summary>
    protected abstract Task<bool> RenewClaimAsync(DbConnection connection, Guid runId, DateTimeOffset claimedAt, DateTimeOffset now, CancellationToken cancellationToken);

    protected abstract Task MarkRunEnqueuedAsync(DbConnection connection, Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Inserts the system's row unless the run has one, and counts it in the run's <c>Done</c>; true when this call inserted it.</summary>
    protected abstract Task<bool> InsertReassessedSystemIfAbsentAsync(DbConnection connection, DbTransaction transaction, ReassessedSystem system, CancellationToken cancellationToken);

    /// <summary>Once enqueued and every system is done (by the run's count): the finish time and the totals, summed from the systems' rows.</summary>
    protected abstract Task FinishRunIfDoneAsync(DbConnection connection, DbTransaction? transaction, Guid runId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Newest request first, with the systems done so far.</summary>
    protected abstract Task<IReadOnlyList<ReassessmentRun>> ReadRunsAsync(DbConnection connection, bool unfinishedOnly, int limit, CancellationToken cancellationToken);

    private sealed class PendingReassessedSystem(ReassessedSystem system)
    {
        public ReassessedSystem System { get; } = system;

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

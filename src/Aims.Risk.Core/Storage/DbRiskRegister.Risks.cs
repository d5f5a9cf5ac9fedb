using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;

namespace Aims.Risk.Core.Storage;

/// <summary>The register of risks: reconciliation inside an event's transaction, transitions, the sweep's reads, the outbox.</summary>
public abstract partial class DbRiskRegister
{
    /// <summary>Attempts of a transaction that lost a race for a risk to another writer, before giving up.</summary>
    private const int ConcurrencyAttempts = 5;

    public async Task<IReadOnlyList<RiskRecord>> QueryRisksAsync(RiskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query));
        return await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadRisksAsync(connection, query, token);
            },
            cancellationToken);
    }

    /// <summary>Streams: one row in memory at a time. Not repeated on a transient failure (rows already yielded cannot be taken back).</summary>
    public async IAsyncEnumerable<RiskRecord> StreamRisksAsync(string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenForReadAsync(cancellationToken);
        await foreach (var risk in StreamRisksAsync(connection, systemId, cancellationToken))
        {
            yield return risk;
        }
    }

    /// <summary>Streams: one row in memory at a time. Not repeated on a transient failure (rows already yielded cannot be taken back).</summary>
    public async IAsyncEnumerable<RiskHistoryRecord> StreamHistoryAsync(string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenForReadAsync(cancellationToken);
        await foreach (var change in StreamHistoryAsync(connection, systemId, cancellationToken))
        {
            yield return change;
        }
    }

    public async Task<RiskDetail?> FindRiskAsync(Guid riskId, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                var risk = await ReadRiskAsync(connection, transaction: null, riskId, token);
                if (risk is null)
                {
                    return null;
                }

                var entries = await ReadEntriesOfRiskAsync(connection, transaction: null, riskId, limit: 1000, token);
                var history = await ReadHistoryOfRiskAsync(connection, riskId, token);
                return new RiskDetail(risk, entries, history);
            },
            cancellationToken);

    public async Task<TransitionOutcome> TransitionAsync(
        Guid? riskId,
        Guid? taskId,
        Guid? updateId,
        Func<RiskRecord, RiskTransition?> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        if (riskId is null && taskId is null)
        {
            throw new RiskNotFoundException("riskId or taskId is required to name the risk");
        }

        return await pipeline.ExecuteAsync(
            async token =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await TransitionOnceAsync(riskId, taskId, updateId, decide, token);
                    }
                    catch (Exception ex) when (attempt < ConcurrencyAttempts && IsLostRace(ex))
                    {
                        // Another writer changed the risk (or applied the same update) first: decide again on what won.
                    }
                }
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<RiskRecord>> ReadDueRisksAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadDueRisksAsync(connection, now, limit, token);
            },
            cancellationToken);

    public async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int limit, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadOutboxAsync(connection, limit, token);
            },
            cancellationToken);

    public async Task MarkPublishedAsync(Guid messageId, DateTimeOffset publishedAt, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                await MarkPublishedAsync(connection, messageId, publishedAt, token);
            },
            cancellationToken);

    /// <summary>The risks of the system; with a transaction, locked against other writers until it ends.</summary>
    protected abstract Task<IReadOnlyList<RiskRecord>> ReadRisksOfSystemAsync(DbConnection connection, DbTransaction transaction, string systemId, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<RiskRecord>> ReadRisksAsync(DbConnection connection, RiskQuery query, CancellationToken cancellationToken);

    /// <summary>Every risk, or one system's, in no particular order.</summary>
    protected abstract IAsyncEnumerable<RiskRecord> StreamRisksAsync(DbConnection connection, string? systemId, CancellationToken cancellationToken);

    /// <summary>Every history row, or those of one system's risks, in no particular order.</summary>
    protected abstract IAsyncEnumerable<RiskHistoryRecord> StreamHistoryAsync(DbConnection connection, string? systemId, CancellationToken cancellationToken);

    /// <summary>One risk; with a transaction, locked against other writers until it ends.</summary>
    protected abstract Task<RiskRecord?> ReadRiskAsync(DbConnection connection, DbTransaction? transaction, Guid riskId, CancellationToken cancellationToken);

    /// <summary>The risk that a task was requested for, by any of its transitions.</summary>
    protected abstract Task<Guid?> ReadRiskOfTaskAsync(DbConnection connection, DbTransaction transaction, Guid taskId, CancellationToken cancellationToken);

    protected abstract Task InsertRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, CancellationToken cancellationToken);

    /// <summary>Writes the risk's new state if it is still at <paramref name="readVersion"/>; false when another writer changed it.</summary>
    protected abstract Task<bool> UpdateRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, long readVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the risk's last-seen columns if it is still at <paramref name="readVersion"/>; false when another writer
    /// changed it. By default the whole row (the other columns are written with the values they have); a dialect writes
    /// just those columns. The SQLite register's group commit has its own statement for it and does not come here.
    /// </summary>
    protected virtual Task<bool> ReconfirmRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, long readVersion, CancellationToken cancellationToken) =>
        UpdateRiskAsync(connection, transaction, risk, readVersion, cancellationToken);

    protected abstract Task InsertHistoryAsync(DbConnection connection, DbTransaction transaction, RiskHistoryRecord history, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<RiskHistoryRecord>> ReadHistoryOfRiskAsync(DbConnection connection, Guid riskId, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<RiskHistoryRecord>> ReadHistoryOfEventAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken);

    protected abstract Task<RiskHistoryRecord?> ReadHistoryOfUpdateAsync(DbConnection connection, DbTransaction transaction, Guid updateId, CancellationToken cancellationToken);

    /// <summary>The risk's findings, newest first.</summary>
    protected abstract Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesOfRiskAsync(DbConnection connection, DbTransaction? transaction, Guid riskId, int limit, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<RiskRecord>> ReadDueRisksAsync(DbConnection connection, DateTimeOffset now, int limit, CancellationToken cancellationToken);

    protected abstract Task InsertOutboxAsync(DbConnection connection, DbTransaction transaction, OutboxMessage message, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(DbConnection connection, int limit, CancellationToken cancellationToken);

    protected abstract Task MarkPublishedAsync(DbConnection connection, Guid messageId, DateTimeOffset publishedAt, CancellationToken cancellationToken);

    /// <summary>Entries recorded before the register had risks: their RiskId is null.</summary>
    protected abstract Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesWithoutRiskAsync(DbConnection connection, int limit, CancellationToken cancellationToken);

    protected abstract Task SetEntryRiskAsync(DbConnection connection, DbTransaction transaction, Guid entryId, Guid riskId, CancellationToken cancellationToken);

    /// <summary>
    /// Inside an event's transaction, after its look-up found it new: reconciles the findings with the system's risks
    /// and writes the assessment, its entries and the risks' transitions.
    /// </summary>
    protected async Task<RecordResult> RecordNewAsync(
        DbConnection connection,
        DbTransaction transaction,
        AssessmentRecord assessment,
        Func<AssessmentRecord, Task> insertAssessment,
        CancellationToken cancellationToken,
        IRiskWrites? writes = null)
    {
        ArgumentNullException.ThrowIfNull(insertAssessment);
        writes ??= new DapperRiskWrites(this, connection, transaction);
        var risks = await writes.ReadRisksOfSystemAsync(assessment.SystemId, cancellationToken);
        var plan = RiskReconciler.Reconcile(assessment, risks);
        await insertAssessment(assessment with { Entries = plan.Entries });
        foreach (var risk in plan.Inserted)
        {
            await writes.InsertRiskAsync(risk, cancellationToken);
        }

        foreach (var (risk, readVersion) in plan.Updated)
        {
            var written = plan.IsReconfirmation(risk)
                ? await writes.ReconfirmRiskAsync(risk, readVersion, cancellationToken)
                : await writes.UpdateRiskAsync(risk, readVersion, cancellationToken);
            if (!written)
            {
                throw new RiskConcurrencyException($"risk {risk.RiskId} changed while event {assessment.EventId} was being recorded");
            }
        }

        foreach (var history in plan.History)
        {
            await writes.InsertHistoryAsync(history, cancellationToken);
        }

        return new RecordResult(IsDuplicate: false, plan.Entries, plan.Changes);
    }

    /// <summary>The transitions an event caused, as status events, for a duplicate to republish.</summary>
    protected async Task<IReadOnlyList<RiskStatusChanged>> ChangesOfEventAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken)
    {
        var history = await ReadHistoryOfEventAsync(connection, transaction, eventId, cancellationToken);
        var changes = new List<RiskStatusChanged>(history.Count);
        foreach (var row in history)
        {
            var risk = await ReadRiskAsync(connection, transaction, row.RiskId, cancellationToken);
            if (risk is not null)
            {
                changes.Add(RegisterMapping.ToStatusChanged(row, risk));
            }
        }

        return changes;
    }

    /// <summary>A lost race for a risk: another writer opened it, changed it, or applied the same update first.</summary>
    protected bool IsLostRace(Exception exception) =>
        exception is RiskConcurrencyException || (exception is DbException db && IsUniqueKeyViolation(db));

    /// <summary>
    /// Gives entries recorded before the register had risks their RiskId, and derives their risks: the latest finding of
    /// each (system, rule) decides the status, and a history row says the risk was derived. Runs after the schema
    /// scripts, until no such entry is left; safe to repeat.
    /// </summary>
    protected async Task DeriveRisksOfOldEntriesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var connection = await OpenForWriteAsync(cancellationToken);
            var entries = await ReadEntriesWithoutRiskAsync(connection, limit: 500, cancellationToken);
            if (entries.Count == 0)
            {
                return;
            }

            await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
            foreach (var group in entries.GroupBy(e => (e.SystemId, e.RuleId)))
            {
                var riskId = RiskIds.For(group.Key.SystemId, group.Key.RuleId);
                var latest = group.MaxBy(e => e.CreatedAt)!;
                var risk = await ReadRiskAsync(connection, transaction, riskId, cancellationToken);
                if (risk is null || risk.LastSeenAt < latest.CreatedAt)
                {
                    var status = latest.Status == RiskEntryStatus.TreatmentRequested ? RiskStatus.TreatmentRequested : RiskStatus.Tolerated;
                    var derived = new RiskRecord
                    {
                        RiskId = riskId,
                        SystemId = latest.SystemId,
                        RuleId = latest.RuleId,
                        Category = latest.Category,
                        Title = latest.Title,
                        Owner = risk?.Owner ?? "",
                        Status = status,
                        Likelihood = latest.Likelihood,
                        Impact = latest.Impact,
                        Score = latest.Score,
                        Level = latest.Level,
                        Controls = latest.Controls,
                        DueBy = latest.DueBy,
                        OpenTaskId = latest.TaskId,
                        FirstSeenAt = risk?.FirstSeenAt ?? group.Min(e => e.CreatedAt),
                        LastSeenAt = latest.CreatedAt,
                        LastEventId = latest.EventId,
                        RuleSetVersion = latest.RuleSetVersion,
                        RuleSetHash = latest.RuleSetHash,
                        Version = (risk?.Version ?? 0) + 1,
                    };
                    if (risk is null)
                    {
                        await InsertRiskAsync(connection, transaction, derived, cancellationToken);
                        await InsertHistoryAsync(connection, transaction, new RiskHistoryRecord
                        {
                            ChangeId = RiskIds.ChangeByEvent(riskId, latest.EventId),
                            RiskId = riskId,
                            At = latest.CreatedAt,
                            ToStatus = status,
                            Actor = "migration",
                            Reason = $"derived from the findings recorded before the register kept risks (latest: event {latest.EventId})",
                            EventId = latest.EventId,
                            Level = latest.Level,
                            TaskId = latest.TaskId,
                        }, cancellationToken);
                    }
                    else if (!await UpdateRiskAsync(connection, transaction, derived, risk.Version, cancellationToken))
                    {
                        throw new RiskConcurrencyException($"risk {riskId} changed while its old findings were being linked");
                    }
                }

                foreach (var entry in group)
                {
                    await SetEntryRiskAsync(connection, transaction, entry.Id, riskId, cancellationToken);
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task<TransitionOutcome> TransitionOnceAsync(
        Guid? riskId,
        Guid? taskId,
        Guid? updateId,
        Func<RiskRecord, RiskTransition?> decide,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenForWriteAsync(cancellationToken);
        await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
        if (updateId is { } id && await ReadHistoryOfUpdateAsync(connection, transaction, id, cancellationToken) is not null)
        {
            return new TransitionOutcome(Applied: null, IsDuplicate: true, Change: null, Task: null);
        }

        var id2 = riskId ?? await ReadRiskOfTaskAsync(connection, transaction, taskId!.Value, cancellationToken)
            ?? throw new RiskNotFoundException($"no risk has task {taskId}");
        var risk = await ReadRiskAsync(connection, transaction, id2, cancellationToken)
            ?? throw new RiskNotFoundException($"no risk {id2} in the register");
        // Named both ways, the task must be one of that risk's: the risk read above is the named one, so ask the task's.
        if (taskId is { } task && riskId is { } named && await ReadRiskOfTaskAsync(connection, transaction, task, cancellationToken) != named)
        {
            throw new RiskNotFoundException($"task {task} is not a task of risk {named}");
        }

        if (decide(risk) is not { } transition)
        {
            return new TransitionOutcome(Applied: null, IsDuplicate: false, Change: null, Task: null);
        }

        if (!await UpdateRiskAsync(connection, transaction, transition.Next, risk.Version, cancellationToken))
        {
            throw new RiskConcurrencyException($"risk {risk.RiskId} changed while an update was applied");
        }

        await InsertHistoryAsync(connection, transaction, transition.History, cancellationToken);
        var change = RegisterMapping.ToStatusChanged(transition.History, transition.Next);
        await InsertOutboxAsync(connection, transaction, Outbox(change.ChangeId, change, transition.History.At), cancellationToken);
        RiskTreatmentRequested? newTask = null;
        if (transition.History.TaskId is not null)
        {
            var latest = await ReadEntriesOfRiskAsync(connection, transaction, risk.RiskId, limit: 1, cancellationToken) is [var first, ..] ? first : null;
            newTask = RegisterMapping.ToTask(transition.Next, transition.History, latest);
            await InsertOutboxAsync(connection, transaction, Outbox(newTask.TaskId, newTask, transition.History.At), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new TransitionOutcome(transition, IsDuplicate: false, change, newTask);
    }

    /// <summary>The dialect's statements, one command each, inside the caller's transaction.</summary>
    private sealed class DapperRiskWrites(DbRiskRegister register, DbConnection connection, DbTransaction transaction) : IRiskWrites
    {
        public Task<IReadOnlyList<RiskRecord>> ReadRisksOfSystemAsync(string systemId, CancellationToken cancellationToken) =>
            register.ReadRisksOfSystemAsync(connection, transaction, systemId, cancellationToken);

        public Task InsertRiskAsync(RiskRecord risk, CancellationToken cancellationToken) =>
            register.InsertRiskAsync(connection, transaction, risk, cancellationToken);

        public Task<bool> UpdateRiskAsync(RiskRecord risk, long readVersion, CancellationToken cancellationToken) =>
            register.UpdateRiskAsync(connection, transaction, risk, readVersion, cancellationToken);

        public Task<bool> ReconfirmRiskAsync(RiskRecord risk, long readVersion, CancellationToken cancellationToken) =>
            register.ReconfirmRiskAsync(connection, transaction, risk, readVersion, cancellationToken);

        public Task InsertHistoryAsync(RiskHistoryRecord history, CancellationToken cancellationToken) =>
            register.InsertHistoryAsync(connection, transaction, history, cancellationToken);
    }

    private static OutboxMessage Outbox<T>(Guid messageId, T message, DateTimeOffset at) => new()
    {
        MessageId = messageId,
        MessageType = typeof(T).Name,
        Body = JsonSerializer.Serialize(message, ContractJson.Options),
        CreatedAt = at,
    };
}

using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Polly;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// Group commit. SQLite has one writer at a time and, with <c>synchronous = FULL</c>, every commit waits for
/// the disk: one transaction per event caps the worker at a few hundred events a second however many it
/// processes at once. So concurrent <see cref="RecordAsync"/> calls hand their records to one writer, which
/// records all that are waiting in one transaction (each inside its own savepoint) and commits once. Each
/// caller still gets its own outcome, and only after the commit: the same result, duplicate or
/// <see cref="EventConflictException"/> as one transaction per event gave, so the consumer's ack, retry and
/// error-queue decisions stay per message. A transient failure repeats the whole batch.
/// </summary>
public sealed partial class SqliteRiskRegister
{
    private const int MaxBatch = 256;

    /// <summary>
    /// A commit checkpoints inline only once the log has 20,000 frames (SQLite's default is 1,000). The background
    /// checkpoint below normally keeps the log far shorter; this only bounds it if that falls behind.
    /// </summary>
    private const string InlineCheckpointSql = "PRAGMA wal_autocheckpoint = 20000;";

    /// <summary>
    /// The writer's page cache: 32 MiB instead of SQLite's 2 MiB, filled only as the register grows. With the default, the
    /// index pages each batch touches (entries, risks and history are keyed by random UUIDs) were read again from the
    /// operating system for every batch: 800 KiB read per assessment, against 100 KiB with this cache, and about 15 %
    /// less CPU per assessment (the benchmarks' <c>probe-lifecycle</c>).
    /// </summary>
    private const string WriterCacheSql = " PRAGMA cache_size = -32768;";

    private const string BackgroundCheckpointSql = "PRAGMA wal_checkpoint(PASSIVE);";

    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Risks kept by the writer between batches, as a read would return them, by risk id: at most this many. Beyond it
    /// the cache starts again empty (each system's risks are read again once).
    /// </summary>
    private const int CachedRisksLimit = 20_000;

    private readonly ResiliencePipeline _pipeline;

    /// <summary>
    /// The risks this writer wrote in committed batches (only the writer loop, one batch at a time, touches it). Reconciling
    /// an event reads each of its system's risks (a dozen to a few dozen rows of 27 columns, most of the writer's time);
    /// with this, the read is of ids and versions, and only a risk whose version differs from the cached one (another
    /// writer changed it: an owner's update, the sweep, another process) is read whole.
    /// </summary>
    private readonly Dictionary<string, RiskRecord> _cachedRisks = new(StringComparer.Ordinal);
    private readonly Queue<Pending> _waiting = new();
    private bool _writing;
    private int _checkpointing;
    private long _lastCheckpoint = Stopwatch.GetTimestamp();

    public override Task<RecordResult> RecordAsync(AssessmentRecord assessment, CancellationToken cancellationToken)
    {
        try
        {
            RegisterValues.EnsureStorable(assessment);
        }
        catch (ArgumentException ex)
        {
            return Task.FromException<RecordResult>(ex);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<RecordResult>(cancellationToken);
        }

        var pending = new Pending(assessment);
        bool startWriter;
        lock (_waiting)
        {
            _waiting.Enqueue(pending);
            startWriter = !_writing;
            _writing = true;
        }

        if (startWriter)
        {
            _ = Task.Run(WriteWaitingAsync, CancellationToken.None);
        }

        // A caller that gives up is answered at once; if its record is written all the same, a redelivery finds it.
        return cancellationToken.CanBeCanceled ? pending.Outcome.Task.WaitAsync(cancellationToken) : pending.Outcome.Task;
    }

    private async Task WriteWaitingAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_waiting)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    CheckpointInBackground();
                    return;
                }

                batch = new List<Pending>(Math.Min(_waiting.Count, MaxBatch));
                while (batch.Count < MaxBatch && _waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }

            try
            {
                await _pipeline.ExecuteAsync(async token => await WriteBatchAsync(batch, token), CancellationToken.None);
                foreach (var pending in batch)
                {
                    pending.Complete();
                }

                if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastCheckpoint)) >= CheckpointInterval)
                {
                    CheckpointInBackground();
                }
            }
#pragma warning disable CA1031 // The failure belongs to the callers: each of them gets it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                foreach (var pending in batch)
                {
                    pending.Outcome.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>
    /// One transaction for the batch. Usually no record fails, so the batch is written without savepoints (in SQLite a
    /// savepoint copies every page it touches into a statement journal: that doubled the cost of a record). If a
    /// record's insert does fail, the whole transaction is rolled back and the batch is written again with a savepoint
    /// per record, so that only that record's own writes are undone and the others commit.
    /// </summary>
    private async Task WriteBatchAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        await using var connection = (RegisterConnection)await OpenConnectionAsync(forWrite: true, cancellationToken);
        _ = await connection.ExecuteAsync(new CommandDefinition(InlineCheckpointSql + WriterCacheSql, cancellationToken: cancellationToken));

        if (!await TryWriteBatchAsync(connection, batch, savepoints: false, cancellationToken))
        {
            _ = await TryWriteBatchAsync(connection, batch, savepoints: true, cancellationToken);
        }
    }

    /// <returns>
    /// False, with nothing written, when <paramref name="savepoints"/> is off and a record's insert failed; with
    /// savepoints every record gets its own outcome and the batch commits.
    /// </returns>
    private async Task<bool> TryWriteBatchAsync(RegisterConnection connection, List<Pending> batch, bool savepoints, CancellationToken cancellationToken)
    {
        // The files are checked once per batch, right before the commit (below), not here as well.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        using var statements = new BatchStatements(connection, (SqliteTransaction)transaction, _cachedRisks);
        foreach (var pending in batch)
        {
            pending.Result = null;
            pending.Failure = null;
            statements.BeginRecord();
            if (savepoints)
            {
                statements.Savepoint.ExecuteNonQuery();
            }

            try
            {
                pending.Result = await RecordInTransactionAsync(connection, transaction, statements, pending.Assessment, cancellationToken);
                if (savepoints)
                {
                    statements.Release.ExecuteNonQuery();
                }

                statements.KeepRecord();
            }
            catch (Exception ex) when (!savepoints && ex is EventConflictException or InvalidDataException)
            {
                // Found before anything of it was written (a payload conflict; a stored risk of the system this version
                // cannot read): nothing to undo, and only this record fails.
                pending.Failure = ex;
            }
            catch (DbException ex) when (!savepoints && !TransientSqlErrors.IsTransient(ex))
            {
                // Part of this record may be written: start again with a savepoint per record.
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
            catch (Exception ex) when (savepoints && (ex is EventConflictException or InvalidDataException || (ex is DbException db && !TransientSqlErrors.IsTransient(db))))
            {
                // This record fails as it would have alone; the others go on.
                statements.RollbackToSavepoint.ExecuteNonQuery();
                statements.Release.ExecuteNonQuery();
                pending.Failure = ex;
            }
        }

        // Inside the write lock, immediately before the commit: a batch whose database file was deleted, replaced or
        // made read-only since the connection was opened is rolled back, and none of its records is acknowledged.
        ThrowIfFilesUnusable(forWrite: true, connection.Generation);
        await transaction.CommitAsync(cancellationToken);
        Cache(statements.Written);
        return true;
    }

    /// <summary>What a committed batch wrote becomes what the writer knows of those risks.</summary>
    private void Cache(IReadOnlyDictionary<string, RiskRecord> written)
    {
        if (_cachedRisks.Count + written.Count > CachedRisksLimit)
        {
            _cachedRisks.Clear();
        }

        foreach (var (riskId, risk) in written)
        {
            _cachedRisks[riskId] = risk;
        }
    }

    /// <summary>
    /// Copies the write-ahead log into the database file off the writer's path. SQLite's default, a checkpoint inside
    /// the commit that crosses 1,000 log frames, wrote and synced the database file while every waiting record waited:
    /// it made the slowest commits (p99 61 ms, up to 117 ms under load against 2 ms for the median). A passive
    /// checkpoint takes no lock that the writer needs, and once it has caught up, the next commit starts the log
    /// afresh. At most one runs at a time; a failed one is harmless (the next one, or the inline bound, catches up).
    /// </summary>
    private void CheckpointInBackground()
    {
        if (Interlocked.CompareExchange(ref _checkpointing, 1, 0) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _lastCheckpoint, Stopwatch.GetTimestamp());
        _ = Task.Run(async () =>
        {
            try
            {
                await using var connection = await OpenConnectionAsync(forWrite: false, CancellationToken.None);
                _ = await connection.ExecuteAsync(new CommandDefinition(BackgroundCheckpointSql));
            }
            catch (DbException)
            {
                // Busy, or the files are gone or replaced (RegisterFileException): the log waits for the next checkpoint,
                // bounded by the inline checkpoint.
            }
            finally
            {
                Interlocked.Exchange(ref _checkpointing, 0);
            }
        });
    }

    /// <summary>
    /// The flow of one transaction per event, inside the batch's: BEGIN IMMEDIATE holds the write lock, so no
    /// other writer can record the same event between the look-up and the insert.
    /// </summary>
    private async Task<RecordResult> RecordInTransactionAsync(
        DbConnection connection, DbTransaction transaction, BatchStatements statements, AssessmentRecord assessment, CancellationToken cancellationToken)
    {
        var storedPayload = statements.ReadPayload(assessment.EventId);
        if (storedPayload is null)
        {
            return await RecordNewAsync(
                connection,
                transaction,
                assessment,
                reconciled =>
                {
                    statements.Insert(reconciled);
                    return Task.CompletedTask;
                },
                cancellationToken,
                statements);
        }

        if (!string.Equals(storedPayload, assessment.Payload, StringComparison.Ordinal))
        {
            throw new EventConflictException(assessment.EventId);
        }

        return new RecordResult(
            IsDuplicate: true,
            await ReadEntriesAsync(connection, transaction, assessment.EventId, cancellationToken),
            await ChangesOfEventAsync(connection, transaction, assessment.EventId, cancellationToken));
    }

    private sealed class Pending(AssessmentRecord assessment)
    {
        public AssessmentRecord Assessment { get; } = assessment;

        public TaskCompletionSource<RecordResult> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RecordResult? Result { get; set; }

        public Exception? Failure { get; set; }

        public void Complete()
        {
            if (Failure is not null)
            {
                Outcome.TrySetException(Failure);
            }
            else
            {
                Outcome.TrySetResult(Result!);
            }
        }
    }
}

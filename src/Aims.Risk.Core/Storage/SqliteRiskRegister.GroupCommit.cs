using System.Data.Common;
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

    private readonly ResiliencePipeline _pipeline;
    private readonly Queue<Pending> _waiting = new();
    private bool _writing;

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

    /// <summary>One transaction for the batch; a record's own failure rolls back its savepoint only.</summary>
    private async Task WriteBatchAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
        foreach (var pending in batch)
        {
            pending.Result = null;
            pending.Failure = null;
            await transaction.SaveAsync("record", cancellationToken);
            try
            {
                pending.Result = await RecordInTransactionAsync(connection, transaction, pending.Assessment, cancellationToken);
                await transaction.ReleaseAsync("record", cancellationToken);
            }
            catch (Exception ex) when (ex is EventConflictException || (ex is DbException db && !TransientSqlErrors.IsTransient(db)))
            {
                // This record fails as it would have alone; the others go on.
                await transaction.RollbackAsync("record", cancellationToken);
                await transaction.ReleaseAsync("record", cancellationToken);
                pending.Failure = ex;
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The flow of one transaction per event, inside the batch's: BEGIN IMMEDIATE holds the write lock, so no
    /// other writer can record the same event between the look-up and the insert.
    /// </summary>
    private async Task<RecordResult> RecordInTransactionAsync(DbConnection connection, DbTransaction transaction, AssessmentRecord assessment, CancellationToken cancellationToken)
    {
        var storedPayload = await ReadPayloadAsync(connection, transaction, assessment.EventId, cancellationToken);
        if (storedPayload is null)
        {
            await InsertAsync(connection, transaction, assessment, cancellationToken);
            return new RecordResult(IsDuplicate: false, assessment.Entries);
        }

        if (!string.Equals(storedPayload, assessment.Payload, StringComparison.Ordinal))
        {
            throw new EventConflictException(assessment.EventId);
        }

        return new RecordResult(IsDuplicate: true, await ReadEntriesAsync(connection, transaction, assessment.EventId, cancellationToken));
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

using System.Data.Common;
using System.Runtime.ExceptionServices;
using DbUp.Builder;
using Microsoft.Extensions.Logging;
using Polly;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// The transaction flow shared by both stores; a dialect supplies its connection, schema scripts and SQL.
/// Each public operation runs whole inside the SQL resilience pipeline, so a transient failure repeats the
/// complete transaction, never half of one.
/// </summary>
public abstract partial class DbRiskRegister : IRiskRegister
{
    private readonly ResiliencePipeline pipeline;

    protected DbRiskRegister(ResiliencePipeline pipeline, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(logger);
        this.pipeline = pipeline;
        Logger = logger;
    }

    protected ILogger Logger { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await pipeline.ExecuteAsync(
            async token =>
            {
                // Held from before the journal is read until the last script is recorded: replicas that start
                // together take turns, and the later ones find every script applied.
                await using var migrationLock = await LockForMigrationAsync(token);
                await PrepareDatabaseAsync(token);

                // DbUp is synchronous; run it off the caller's thread so start-up stays responsive.
                var upgrader = CreateMigration().LogTo(Logger).WithTransactionPerScript().Build();
                var result = await Task.Run(upgrader.PerformUpgrade, token);
                if (!result.Successful)
                {
                    // Rethrow the provider's own exception so the pipeline can tell transient from fatal.
                    ExceptionDispatchInfo.Throw(result.Error);
                }

                foreach (var script in result.Scripts)
                {
                    LogScriptApplied(Logger, script.Name);
                }

                await DeriveRisksOfOldEntriesAsync(token);
            },
            cancellationToken);
    }

    public virtual async Task<RecordResult> RecordAsync(AssessmentRecord assessment, CancellationToken cancellationToken)
    {
        RegisterValues.EnsureStorable(assessment);
        return await pipeline.ExecuteAsync(
            async token =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await RecordOnceAsync(assessment, token);
                    }
                    catch (RiskConcurrencyException) when (attempt < ConcurrencyAttempts)
                    {
                        // Another replica changed one of the system's risks first: reconcile again with what it wrote.
                    }
                }
            },
            cancellationToken);
    }

    public async Task ArchiveRuleSetAsync(RuleSetArchive ruleSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForWriteAsync(token);
                try
                {
                    await InsertRuleSetIfAbsentAsync(connection, ruleSet, token);
                }
                catch (DbException ex) when (IsUniqueKeyViolation(ex))
                {
                    // Another replica archived the same hash at the same moment: the row is there, as wanted.
                }
            },
            cancellationToken);
    }

    public async Task<AssessmentRecord?> FindAssessmentAsync(Guid eventId, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadAssessmentAsync(connection, eventId, token);
            },
            cancellationToken);

    public async Task<IReadOnlyList<RiskEntryRecord>> QueryEntriesAsync(RegisterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query));
        if (query.MinimumLevel is { } level && !Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(query), level, "MinimumLevel is not a defined risk level");
        }

        return await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadEntriesAsync(connection, query, token);
            },
            cancellationToken);
    }

    /// <summary>
    /// One attempt, outside the resilience pipeline: a health check must answer at once with the fault it met,
    /// not retry it for seconds (the writes' own retries are reported through <see cref="StoreWriteMonitor"/>).
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenForReadAsync(cancellationToken);
        await PingAsync(connection, cancellationToken);
    }

    /// <inheritdoc />
    public virtual string? CheckFiles() => null;

    /// <summary>A new, unopened connection.</summary>
    protected abstract DbConnection CreateConnection();

    /// <summary>DbUp for this dialect: database, embedded scripts and journal table.</summary>
    protected abstract UpgradeEngineBuilder CreateMigration();

    /// <summary>
    /// An exclusive hold on the schema for the whole migration, released when disposed, or null when the dialect
    /// takes none (SQLite relies on its scripts being idempotent). It is taken before
    /// <see cref="PrepareDatabaseAsync"/> and may do, on its own session, what needs that session alone in the
    /// database. Throws when the hold is not granted: the scripts must not run then.
    /// </summary>
    protected virtual Task<IAsyncDisposable?> LockForMigrationAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable?>(null);

    /// <summary>Settings the scripts cannot make inside a transaction (SQLite's journal mode).</summary>
    protected virtual Task PrepareDatabaseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A transaction in which the look-up of an event blocks other writers of the same event.</summary>
    protected abstract Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The stored payload of the event, or null; with <paramref name="transaction"/> it locks the key.</summary>
    protected abstract Task<string?> ReadPayloadAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken);

    protected abstract Task InsertAsync(DbConnection connection, DbTransaction transaction, AssessmentRecord assessment, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken);

    protected abstract Task<AssessmentRecord?> ReadAssessmentAsync(DbConnection connection, Guid eventId, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesAsync(DbConnection connection, RegisterQuery query, CancellationToken cancellationToken);

    protected abstract Task InsertRuleSetIfAbsentAsync(DbConnection connection, RuleSetArchive ruleSet, CancellationToken cancellationToken);

    protected abstract Task PingAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A primary-key or unique-key violation (never any other constraint).</summary>
    protected abstract bool IsUniqueKeyViolation(DbException exception);

    /// <summary>
    /// An open connection for an operation that reads, or (<paramref name="forWrite"/>) also writes. A dialect whose
    /// storage can change under a running process (SQLite's file) refuses here, before anything is read or written.
    /// </summary>
    protected virtual async Task<DbConnection> OpenConnectionAsync(bool forWrite, CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private Task<DbConnection> OpenForReadAsync(CancellationToken cancellationToken) => OpenConnectionAsync(forWrite: false, cancellationToken);

    private Task<DbConnection> OpenForWriteAsync(CancellationToken cancellationToken) => OpenConnectionAsync(forWrite: true, cancellationToken);

    private async Task<RecordResult> RecordOnceAsync(AssessmentRecord assessment, CancellationToken cancellationToken)
    {
        await using var connection = await OpenForWriteAsync(cancellationToken);
        try
        {
            await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
            var storedPayload = await ReadPayloadAsync(connection, transaction, assessment.EventId, cancellationToken);
            if (storedPayload is not null)
            {
                var stored = await ExistingAsync(connection, transaction, assessment, storedPayload, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return stored;
            }

            var recorded = await RecordNewAsync(connection, transaction, assessment, a => InsertAsync(connection, transaction, a, cancellationToken), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return recorded;
        }
        catch (DbException ex) when (IsUniqueKeyViolation(ex))
        {
            // A concurrent writer (another replica) committed this event between our look-up and insert.
            // Our transaction is rolled back; the event's own row decides, exactly as for a redelivery.
            var storedPayload = await ReadPayloadAsync(connection, transaction: null, assessment.EventId, cancellationToken);
            if (storedPayload is null)
            {
                // Another writer opened one of this system's risks first (unique system and rule): reconcile again.
                // Any other violation within this assessment (e.g. two entries for one rule) fails the same way every
                // time, and the caller's attempts run out.
                throw new RiskConcurrencyException($"a risk of system {assessment.SystemId} was opened concurrently", ex);
            }

            LogConcurrentRecord(Logger, ex, assessment.EventId);
            return await ExistingAsync(connection, transaction: null, assessment, storedPayload, cancellationToken);
        }
    }

    private async Task<RecordResult> ExistingAsync(
        DbConnection connection,
        DbTransaction? transaction,
        AssessmentRecord assessment,
        string storedPayload,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(storedPayload, assessment.Payload, StringComparison.Ordinal))
        {
            throw new EventConflictException(assessment.EventId);
        }

        var entries = await ReadEntriesAsync(connection, transaction, assessment.EventId, cancellationToken);
        var changes = await ChangesOfEventAsync(connection, transaction, assessment.EventId, cancellationToken);
        return new RecordResult(IsDuplicate: true, entries, changes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {Script}")]
    private static partial void LogScriptApplied(ILogger logger, string script);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} was recorded concurrently by another writer")]
    private static partial void LogConcurrentRecord(ILogger logger, Exception exception, Guid eventId);
}

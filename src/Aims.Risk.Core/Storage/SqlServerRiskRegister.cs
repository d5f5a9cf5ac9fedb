using System.Data;
using System.Data.Common;
using Aims.Risk.Contracts;
using Dapper;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// The production register on SQL Server. Every statement is an <c>internal const</c> with the type of its
/// parameters, so tests parse each one with ScriptDom and check its parameters without a server.
/// </summary>
public sealed partial class SqlServerRiskRegister : DbRiskRegister
{
    // UPDLOCK + HOLDLOCK take a key-range update lock even when the row is absent: a second writer of the
    // same event waits here until the first commits, then sees its row.
    [SqlParameters(typeof(EventKey))]
    internal const string SelectPayloadForUpdateSql = """
        SELECT Payload FROM dbo.Assessments WITH (UPDLOCK, HOLDLOCK) WHERE EventId = @EventId;
        """;

    [SqlParameters(typeof(EventKey))]
    internal const string SelectPayloadSql = """
        SELECT Payload FROM dbo.Assessments WHERE EventId = @EventId;
        """;

    [SqlParameters(typeof(AssessmentRow))]
    internal const string InsertAssessmentSql = """
        INSERT INTO dbo.Assessments (EventId, SystemId, ChangeType, OccurredAt, AssessedAt, RuleSetVersion, RuleSetHash, Payload, FindingCount, RuleErrors, ReassessedEventId)
        VALUES (@EventId, @SystemId, @ChangeType, @OccurredAt, @AssessedAt, @RuleSetVersion, @RuleSetHash, @Payload, @FindingCount, @RuleErrors, @ReassessedEventId);
        """;

    [SqlParameters(typeof(EntryRow))]
    internal const string InsertEntrySql = """
        INSERT INTO dbo.RiskEntries (Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
                                     Level, LevelRank, Treatment, Controls, Nist, MitDomain, Guidance, Status, TaskId, DueBy,
                                     RuleSetVersion, RuleSetHash, CreatedAt)
        VALUES (@Id, @EventId, @RiskId, @SystemId, @RuleId, @Category, @Title, @Rationale, @Likelihood, @Impact, @Score,
                @Level, @LevelRank, @Treatment, @Controls, @Nist, @MitDomain, @Guidance, @Status, @TaskId, @DueBy,
                @RuleSetVersion, @RuleSetHash, @CreatedAt);
        """;

    [SqlParameters(typeof(EventKey))]
    internal const string SelectEntriesOfEventSql = """
        SELECT Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
               Level, Treatment, Controls, Nist, MitDomain, Guidance, Status, TaskId, DueBy, RuleSetVersion, RuleSetHash, CreatedAt
        FROM dbo.RiskEntries
        WHERE EventId = @EventId
        ORDER BY CreatedAt, RuleId;
        """;

    [SqlParameters(typeof(EventKey))]
    internal const string SelectAssessmentSql = """
        SELECT EventId, SystemId, ChangeType, OccurredAt, AssessedAt, RuleSetVersion, RuleSetHash, Payload, FindingCount, RuleErrors, ReassessedEventId
        FROM dbo.Assessments
        WHERE EventId = @EventId;
        """;

    // Optional filters; RECOMPILE gives each combination of present filters its own plan.
    [SqlParameters(typeof(EntryFilter))]
    internal const string SelectEntriesSql = """
        SELECT TOP (@Limit)
               Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
               Level, Treatment, Controls, Nist, MitDomain, Guidance, Status, TaskId, DueBy, RuleSetVersion, RuleSetHash, CreatedAt
        FROM dbo.RiskEntries
        WHERE (@SystemId IS NULL OR SystemId = @SystemId)
          AND (@MinimumRank IS NULL OR LevelRank >= @MinimumRank)
          AND (@EventId IS NULL OR EventId = @EventId)
        ORDER BY CreatedAt, RuleId, Id
        OPTION (RECOMPILE);
        """;

    [SqlParameters(typeof(RuleSetRow))]
    internal const string InsertRuleSetIfAbsentSql = """
        INSERT INTO dbo.RuleSetVersions (Hash, Version, Content, ActivatedAt)
        SELECT @Hash, @Version, @Content, @ActivatedAt
        WHERE NOT EXISTS (SELECT 1 FROM dbo.RuleSetVersions WITH (UPDLOCK, HOLDLOCK) WHERE Hash = @Hash);
        """;

    [SqlParameters(typeof(NoParameters))]
    internal const string PingSql = """
        SELECT 1;
        """;

    // Run as stored procedures, so their return code (granted, timed out, ...) comes back as the return value.
    [SqlParameters(typeof(AppLockRequest))]
    internal const string GetAppLockSql = """
        sys.sp_getapplock
        """;

    [SqlParameters(typeof(AppLockRelease))]
    internal const string ReleaseAppLockSql = """
        sys.sp_releaseapplock
        """;

    [SqlParameters(typeof(NoParameters))]
    internal const string SelectReadCommittedSnapshotSql = """
        SELECT is_read_committed_snapshot_on FROM sys.databases WHERE database_id = DB_ID();
        """;

    // Needs this session alone in the database: ROLLBACK IMMEDIATE rolls back and disconnects the others. It runs
    // only while the option is off, i.e. once per database (docs/decisions/0006-migration-lock-and-rcsi.md).
    [SqlParameters(typeof(NoParameters))]
    internal const string EnableReadCommittedSnapshotSql = """
        ALTER DATABASE CURRENT SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
        """;

    private const string ScriptPrefix = "Aims.Risk.Core.Storage.Scripts.SqlServer.";

    // The migration's session lock. Not the resource the scripts lock for their transaction (Aims.Risk.Schema): DbUp
    // runs them on connections of its own, which would wait for this session until their lock timed out.
    private const string MigrationLockResource = "Aims.Risk.Migration";

    // How long a replica waits while another migrates; a long data migration is within it, a stuck session is not.
    private const int MigrationLockTimeoutMilliseconds = 10 * 60 * 1000;

    // Sessions in which a replica waits for the lock, when one after the other is ended by the holder (see below).
    private const int MigrationLockAttempts = 3;

    // sp_getapplock: granted after waiting for another session.
    private const int AppLockGrantedAfterWaiting = 1;

    // User does not have permission to alter the database.
    private const int AlterDatabaseDenied = 5011;

    // Violation of a PRIMARY KEY or UNIQUE constraint, and of a unique index.
    private const int UniqueConstraintViolation = 2627;
    private const int UniqueIndexViolation = 2601;

    private readonly string lockConnectionString;

    public SqlServerRiskRegister(string connectionString, ResiliencePipeline pipeline, ILogger<SqlServerRiskRegister>? logger = null)
        : base(pipeline, logger ?? NullLogger<SqlServerRiskRegister>.Instance)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // Parses now, so a malformed connection string fails at start-up rather than at the first message.
        ConnectionString = new SqlConnectionStringBuilder(connectionString).ConnectionString;

        // The lock's session must end when its connection closes, whatever happens to the release: no pool.
        lockConnectionString = new SqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
    }

    public string ConnectionString { get; }

    protected override DbConnection CreateConnection() => new SqlConnection(ConnectionString);

    protected override UpgradeEngineBuilder CreateMigration() =>
        DeployChanges.To
            .SqlDatabase(ConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(SqlServerRiskRegister).Assembly, name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
            .JournalToSqlTable("dbo", "SchemaVersions");

    /// <summary>
    /// A session-owned application lock on a connection of its own, held until the last script is recorded;
    /// then READ_COMMITTED_SNAPSHOT on that same session (it must be the only one in the database).
    /// </summary>
    protected override async Task<IAsyncDisposable?> LockForMigrationAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = new SqlConnection(lockConnectionString);
            var opened = false;
            try
            {
                await connection.OpenAsync(cancellationToken);
                opened = true;
                var result = await GetMigrationLockAsync(connection, cancellationToken);
                EnsureLockGranted(result);
                if (result == AppLockGrantedAfterWaiting)
                {
                    LogMigrationLockWaited(Logger, MigrationLockResource);
                }

                await EnableReadCommittedSnapshotAsync(connection, cancellationToken);
                return new MigrationLock(connection, Logger);
            }
            catch (SqlException ex) when (opened && attempt < MigrationLockAttempts && connection.State != ConnectionState.Open)
            {
                // The session ended while it waited: the replica that held the lock turned READ_COMMITTED_SNAPSHOT
                // on, which disconnects every other session in the database. Wait again on a new one.
                LogMigrationLockSessionEnded(Logger, ex, MigrationLockResource);
                await connection.DisposeAsync();
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
    }

    private static async Task<int> GetMigrationLockAsync(SqlConnection connection, CancellationToken cancellationToken)
    {
        var request = new DynamicParameters(new AppLockRequest(MigrationLockResource, "Exclusive", "Session", MigrationLockTimeoutMilliseconds));
        request.Add("ReturnValue", dbType: DbType.Int32, direction: ParameterDirection.ReturnValue);
        _ = await connection.ExecuteAsync(new CommandDefinition(
            GetAppLockSql,
            request,
            commandType: CommandType.StoredProcedure,
            commandTimeout: (MigrationLockTimeoutMilliseconds / 1000) + 30,
            cancellationToken: cancellationToken));
        return request.Get<int>("ReturnValue");
    }

    protected override async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    protected override async Task<string?> ReadPayloadAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<string>(
            new CommandDefinition(
                transaction is null ? SelectPayloadSql : SelectPayloadForUpdateSql,
                new EventKey(eventId),
                transaction,
                cancellationToken: cancellationToken));

    protected override async Task InsertAsync(DbConnection connection, DbTransaction transaction, AssessmentRecord assessment, CancellationToken cancellationToken)
    {
        _ = await connection.ExecuteAsync(
            new CommandDefinition(InsertAssessmentSql, AssessmentRow.From(assessment), transaction, cancellationToken: cancellationToken));
        if (assessment.Entries.Count > 0)
        {
            // A list parameter makes Dapper run the statement once per entry, inside the same transaction.
            _ = await connection.ExecuteAsync(
                new CommandDefinition(InsertEntrySql, assessment.Entries.Select(EntryRow.From).ToList(), transaction, cancellationToken: cancellationToken));
        }
    }

    protected override async Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<EntryRow>(
            new CommandDefinition(SelectEntriesOfEventSql, new EventKey(eventId), transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(row => row.ToRecord())];
    }

    protected override async Task<AssessmentRecord?> ReadAssessmentAsync(DbConnection connection, Guid eventId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<AssessmentRow>(
            new CommandDefinition(SelectAssessmentSql, new EventKey(eventId), cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var entries = await ReadEntriesAsync(connection, transaction: null, eventId, cancellationToken);
        return row.ToRecord(entries);
    }

    protected override async Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesAsync(DbConnection connection, RegisterQuery query, CancellationToken cancellationToken)
    {
        var filter = new EntryFilter(
            query.SystemId,
            query.MinimumLevel is { } level ? RegisterValues.Rank(level) : null,
            query.EventId,
            query.Limit);
        var rows = await connection.QueryAsync<EntryRow>(new CommandDefinition(SelectEntriesSql, filter, cancellationToken: cancellationToken));
        return UnreadableRow.Map(rows, "RiskEntries", row => row.Id.ToString("D"), row => row.ToRecord(), query.OnUnreadableRow);
    }

    protected override async Task InsertRuleSetIfAbsentAsync(DbConnection connection, RuleSetArchive ruleSet, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(
            new CommandDefinition(
                InsertRuleSetIfAbsentSql,
                new RuleSetRow(ruleSet.Hash, ruleSet.Version, ruleSet.Content, RegisterValues.ToMilliseconds(ruleSet.ActivatedAt)),
                cancellationToken: cancellationToken));

    protected override async Task PingAsync(DbConnection connection, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteScalarAsync<int>(new CommandDefinition(PingSql, new NoParameters(), cancellationToken: cancellationToken));

    protected override bool IsUniqueKeyViolation(DbException exception) =>
        exception is SqlException { Number: UniqueConstraintViolation or UniqueIndexViolation };

    /// <summary>sp_getapplock's return code: 0 granted at once, 1 after waiting; below 0 not granted.</summary>
    internal static void EnsureLockGranted(int result)
    {
        if (result >= 0)
        {
            return;
        }

        var reason = result switch
        {
            -1 => $"not granted within {MigrationLockTimeoutMilliseconds / 60_000} minutes: another replica is still migrating, or a session holds the lock",
            -2 => "the request was cancelled",
            -3 => "the request was chosen as a deadlock victim",
            _ => "the call was refused",
        };
        throw new InvalidOperationException(
            $"The schema migration lock '{MigrationLockResource}' (sp_getapplock, owned by the session) was not taken: {reason} (return code {result}). No schema script was applied.");
    }

    /// <summary>
    /// Register reads (the command line, auditors' queries) read the last committed version instead of waiting
    /// for the worker's write locks, and do not block its writes. Writes that must see the latest row keep their
    /// UPDLOCK, HOLDLOCK hints, which lock whatever the isolation level.
    /// </summary>
    private async Task EnableReadCommittedSnapshotAsync(SqlConnection connection, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SelectReadCommittedSnapshotSql, new NoParameters(), cancellationToken: cancellationToken)))
        {
            return;
        }

        try
        {
            _ = await connection.ExecuteAsync(new CommandDefinition(EnableReadCommittedSnapshotSql, new NoParameters(), cancellationToken: cancellationToken));
            LogReadCommittedSnapshotEnabled(Logger, connection.Database);
        }
        catch (SqlException ex) when (ex.Number == AlterDatabaseDenied)
        {
            // The migration login may lack ALTER on the database; the register works without it, only less well.
            LogReadCommittedSnapshotDenied(Logger, connection.Database);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waited for the schema migration lock {Resource}: another replica migrated first")]
    private static partial void LogMigrationLockWaited(ILogger logger, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "The session waiting for the schema migration lock {Resource} ended; waiting again on a new one")]
    private static partial void LogMigrationLockSessionEnded(ILogger logger, Exception exception, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "READ_COMMITTED_SNAPSHOT turned on for database {Database}")]
    private static partial void LogReadCommittedSnapshotEnabled(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "READ_COMMITTED_SNAPSHOT is off in database {Database} and this login may not alter the database: reads of the register can wait for the worker's writes. An administrator can run ALTER DATABASE ... SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE")]
    private static partial void LogReadCommittedSnapshotDenied(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the schema migration lock {Resource}; closing its connection releases it")]
    private static partial void LogMigrationLockNotReleased(ILogger logger, Exception exception, string resource);

    private sealed record AppLockRequest(string Resource, string LockMode, string LockOwner, int LockTimeout);

    private sealed record AppLockRelease(string Resource, string LockOwner);

    /// <summary>Releases the session lock, then closes its connection (which would release it too).</summary>
    private sealed class MigrationLock(SqlConnection connection, ILogger logger) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // A broken session has released the lock already; Dapper would open a new one to release nothing.
                if (connection.State != ConnectionState.Open)
                {
                    return;
                }

                _ = await connection.ExecuteAsync(new CommandDefinition(
                    ReleaseAppLockSql,
                    new AppLockRelease(MigrationLockResource, "Session"),
                    commandType: CommandType.StoredProcedure));
            }
            catch (SqlException ex)
            {
                LogMigrationLockNotReleased(logger, ex, MigrationLockResource);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}

using System.Data;
using System.Data.Common;
using Aims.Risk.Contracts;
using Dapper;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// The embedded register: one SQLite file. Writers take turns (BEGIN IMMEDIATE, WAL journal) and wait for
/// each other up to the connection's <c>Default Timeout</c> instead of failing. Timestamps are stored, and
/// read back, in UTC: the same instants as written, with offset +00:00. Only the migration creates the file; every
/// other connection opens the file that is there, after <see cref="SqliteRegisterFiles"/> checked that it is still the
/// one the register opened (and, to write, that it is writable).
/// </summary>
public sealed partial class SqliteRiskRegister : DbRiskRegister, IDisposable
{
    private const string ScriptPrefix = "Aims.Risk.Core.Storage.Scripts.Sqlite.";

    private const string WalJournalSql = "PRAGMA journal_mode = WAL;";

    private const string SelectPayloadSql = """
        SELECT Payload FROM Assessments WHERE EventId = @EventId;
        """;

    private const string SelectEntriesOfEventSql = """
        SELECT Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
               Level, Treatment, Controls, Nist, MitDomain, Guidance, Status, TaskId, DueBy, RuleSetVersion, RuleSetHash, CreatedAt
        FROM RiskEntries
        WHERE EventId = @EventId
        ORDER BY CreatedAt, RuleId;
        """;

    private const string SelectAssessmentSql = """
        SELECT EventId, SystemId, ChangeType, OccurredAt, AssessedAt, RuleSetVersion, RuleSetHash, Payload, FindingCount, RuleErrors, ReassessedEventId
        FROM Assessments
        WHERE EventId = @EventId;
        """;

    private const string SelectEntriesSql = """
        SELECT Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
               Level, Treatment, Controls, Nist, MitDomain, Guidance, Status, TaskId, DueBy, RuleSetVersion, RuleSetHash, CreatedAt
        FROM RiskEntries
        WHERE (@SystemId IS NULL OR SystemId = @SystemId)
          AND (@MinimumRank IS NULL OR LevelRank >= @MinimumRank)
          AND (@EventId IS NULL OR EventId = @EventId)
        ORDER BY CreatedAt, RuleId, Id
        LIMIT @Limit;
        """;

    private const string InsertRuleSetIfAbsentSql = """
        INSERT INTO RuleSetVersions (Hash, Version, Content, ActivatedAt)
        VALUES (@Hash, @Version, @Content, @ActivatedAt)
        ON CONFLICT (Hash) DO NOTHING;
        """;

    // SQLite extended result codes for key violations; other constraints (CHECK, NOT NULL, FOREIGN KEY) are real errors.
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private readonly string _runtimeConnectionString;
    private readonly SqliteRegisterFiles? _files;

    public SqliteRiskRegister(string connectionString, ResiliencePipeline pipeline, ILogger<SqliteRiskRegister>? logger = null, TimeProvider? clock = null)
        : base(pipeline, logger ?? NullLogger<SqliteRiskRegister>.Instance)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);

        // SQLite leaves foreign keys off unless each connection asks for them.
        builder.ForeignKeys ??= true;
        ConnectionString = builder.ToString();
        _pipeline = pipeline;

        // After the migration nothing creates the file again: a connection opened once it was deleted must fail, not
        // start an empty register at the path.
        var runtime = new SqliteConnectionStringBuilder(ConnectionString);
        if (runtime.Mode == SqliteOpenMode.ReadWriteCreate)
        {
            runtime.Mode = SqliteOpenMode.ReadWrite;
        }

        _files = SqliteRegisterFiles.Create(runtime, [ConnectionString, runtime.ToString()], SchemaScripts(), clock ?? TimeProvider.System, Logger);
        _runtimeConnectionString = _files is null ? ConnectionString : runtime.ToString();
    }

    /// <summary>The connection string as configured (with foreign keys on): the migration's, which creates the file.</summary>
    public string ConnectionString { get; }

    /// <inheritdoc />
    public override string? CheckFiles() => _files?.Check(forWrite: true)?.Description;

    public void Dispose() => _files?.Dispose();

    protected override DbConnection CreateConnection() => new RegisterConnection(_runtimeConnectionString, _files?.Generation ?? 0);

    protected override async Task<DbConnection> OpenConnectionAsync(bool forWrite, CancellationToken cancellationToken)
    {
        ThrowIfFilesUnusable(forWrite, generation: null);
        try
        {
            return await base.OpenConnectionAsync(forWrite, cancellationToken);
        }
        catch (SqliteException ex) when (_files?.Check(forWrite) is { } problem)
        {
            // Deleted or replaced between the check and the open (unable to open the database file): the same fault.
            throw new RegisterFileException(problem.Summary + "; nothing was written", ex);
        }
    }

    /// <summary>Throws <see cref="RegisterFileException"/> when the files are not usable, or not by a connection of <paramref name="generation"/>.</summary>
    private void ThrowIfFilesUnusable(bool forWrite, int? generation)
    {
        if (_files?.Check(forWrite, generation) is { } problem)
        {
            throw new RegisterFileException(problem.Summary + "; nothing was written");
        }
    }

    private static HashSet<string> SchemaScripts() =>
        [.. typeof(SqliteRiskRegister).Assembly.GetManifestResourceNames().Where(name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))];

    protected override UpgradeEngineBuilder CreateMigration() =>
        DeployChanges.To
            .SqliteDatabase(ConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(SqliteRiskRegister).Assembly, name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
            .JournalToSqliteTable("SchemaVersions");

    protected override async Task PrepareDatabaseAsync(CancellationToken cancellationToken)
    {
        // WAL lets readers run beside the one writer. The mode is stored in the file, and it cannot be
        // changed inside a transaction, so it is set here rather than in a script.
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        _ = await connection.ExecuteScalarAsync<string>(new CommandDefinition(WalJournalSql, cancellationToken: cancellationToken));
    }

    // Microsoft.Data.Sqlite begins a Serializable transaction with BEGIN IMMEDIATE: the write lock is taken
    // before the look-up, so two writers of one event cannot both see it absent. The files are checked again once
    // the lock is held (see SqliteRegisterFiles: a copy of a deleted file is taken under the same lock).
    protected override async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        try
        {
            ThrowIfFilesUnusable(forWrite: true, (connection as RegisterConnection)?.Generation);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    protected override async Task<string?> ReadPayloadAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken)
    {
        return await connection.QuerySingleOrDefaultAsync<string>(
            new CommandDefinition(SelectPayloadSql, new { EventId = RegisterValues.FormatGuid(eventId) }, transaction, cancellationToken: cancellationToken));
    }

    private const string InsertAssessmentSql = """
        INSERT INTO Assessments (EventId, SystemId, ChangeType, OccurredAt, AssessedAt, RuleSetVersion, RuleSetHash, Payload, FindingCount, RuleErrors, ReassessedEventId)
        VALUES (@EventId, @SystemId, @ChangeType, @OccurredAt, @AssessedAt, @RuleSetVersion, @RuleSetHash, @Payload, @FindingCount, @RuleErrors, @ReassessedEventId);
        """;

    private const string InsertEntrySql = """
        INSERT INTO RiskEntries (Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
                                 Level, LevelRank, Treatment, Controls, Nist, MitDomain, Guidance, Status, TaskId, DueBy,
                                 RuleSetVersion, RuleSetHash, CreatedAt)
        VALUES (@Id, @EventId, @RiskId, @SystemId, @RuleId, @Category, @Title, @Rationale, @Likelihood, @Impact, @Score,
                @Level, @LevelRank, @Treatment, @Controls, @Nist, @MitDomain, @Guidance, @Status, @TaskId, @DueBy,
                @RuleSetVersion, @RuleSetHash, @CreatedAt);
        """;

    // The group commit (SqliteRiskRegister.GroupCommit.cs) runs the same two statements as prepared commands.
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
            new CommandDefinition(SelectEntriesOfEventSql, new { EventId = RegisterValues.FormatGuid(eventId) }, transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(row => row.ToRecord())];
    }

    protected override async Task<AssessmentRecord?> ReadAssessmentAsync(DbConnection connection, Guid eventId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<AssessmentRow>(
            new CommandDefinition(SelectAssessmentSql, new { EventId = RegisterValues.FormatGuid(eventId) }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var entries = await ReadEntriesAsync(connection, transaction: null, eventId, cancellationToken);
        return row.ToRecord(entries);
    }

    protected override async Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesAsync(DbConnection connection, RegisterQuery query, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            query.SystemId,
            MinimumRank = query.MinimumLevel is { } level ? RegisterValues.Rank(level) : (int?)null,
            EventId = query.EventId is { } eventId ? RegisterValues.FormatGuid(eventId) : null,
            query.Limit,
        };
        var rows = await connection.QueryAsync<EntryRow>(new CommandDefinition(SelectEntriesSql, parameters, cancellationToken: cancellationToken));
        return UnreadableRow.Map(rows, "RiskEntries", row => row.Id, row => row.ToRecord(), query.OnUnreadableRow);
    }

    protected override async Task InsertRuleSetIfAbsentAsync(DbConnection connection, RuleSetArchive ruleSet, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            ruleSet.Hash,
            ruleSet.Version,
            ruleSet.Content,
            ActivatedAt = RegisterValues.FormatTimestamp(ruleSet.ActivatedAt),
        };
        _ = await connection.ExecuteAsync(new CommandDefinition(InsertRuleSetIfAbsentSql, parameters, cancellationToken: cancellationToken));
    }

    protected override async Task PingAsync(DbConnection connection, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1;", cancellationToken: cancellationToken));

    protected override bool IsUniqueKeyViolation(DbException exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: SqliteConstraintPrimaryKey or SqliteConstraintUnique };

    /// <summary>A connection that remembers which files of the register it was opened on (<see cref="SqliteRegisterFiles.Generation"/>).</summary>
    private sealed class RegisterConnection(string connectionString, int generation) : SqliteConnection(connectionString)
    {
        public int Generation { get; } = generation;
    }

    /// <summary>Assessments as SQLite stores them: text for UUIDs and timestamps.</summary>
}

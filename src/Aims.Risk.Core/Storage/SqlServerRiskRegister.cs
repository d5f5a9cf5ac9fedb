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

    private const string ScriptPrefix = "Aims.Risk.Core.Storage.Scripts.SqlServer.";

    // Violation of a PRIMARY KEY or UNIQUE constraint, and of a unique index.
    private const int UniqueConstraintViolation = 2627;
    private const int UniqueIndexViolation = 2601;

    public SqlServerRiskRegister(string connectionString, ResiliencePipeline pipeline, ILogger<SqlServerRiskRegister>? logger = null)
        : base(pipeline, logger ?? NullLogger<SqlServerRiskRegister>.Instance)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // Parses now, so a malformed connection string fails at start-up rather than at the first message.
        ConnectionString = new SqlConnectionStringBuilder(connectionString).ConnectionString;
    }

    public string ConnectionString { get; }

    protected override DbConnection CreateConnection() => new SqlConnection(ConnectionString);

    protected override UpgradeEngineBuilder CreateMigration() =>
        DeployChanges.To
            .SqlDatabase(ConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(SqlServerRiskRegister).Assembly, name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
            .JournalToSqlTable("dbo", "SchemaVersions");

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
        return [.. rows.Select(row => row.ToRecord())];
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

    private sealed record EventKey(Guid EventId);

    private sealed record EntryFilter(string? SystemId, int? MinimumRank, Guid? EventId, int Limit);

    private sealed record RuleSetRow(string Hash, string Version, string Content, DateTimeOffset ActivatedAt);

    private sealed record NoParameters;

    /// <summary>Assessments as SQL Server stores them.</summary>
    private sealed class AssessmentRow
    {
        public Guid EventId { get; init; }

        public string SystemId { get; init; } = "";

        public string ChangeType { get; init; } = "";

        public DateTimeOffset OccurredAt { get; init; }

        public DateTimeOffset AssessedAt { get; init; }

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public string Payload { get; init; } = "";

        public int FindingCount { get; init; }

        public string? RuleErrors { get; init; }

        public Guid? ReassessedEventId { get; init; }

        public static AssessmentRow From(AssessmentRecord record) => new()
        {
            EventId = record.EventId,
            SystemId = record.SystemId,
            ChangeType = record.ChangeType,
            OccurredAt = RegisterValues.ToMilliseconds(record.OccurredAt),
            AssessedAt = RegisterValues.ToMilliseconds(record.AssessedAt),
            RuleSetVersion = record.RuleSetVersion,
            RuleSetHash = record.RuleSetHash,
            Payload = record.Payload,
            FindingCount = record.Entries.Count,
            RuleErrors = RegisterValues.FormatRuleErrors(record.RuleErrors),
            ReassessedEventId = record.ReassessedEventId,
        };

        public AssessmentRecord ToRecord(IReadOnlyList<RiskEntryRecord> entries) => new()
        {
            EventId = EventId,
            SystemId = SystemId,
            ChangeType = ChangeType,
            OccurredAt = OccurredAt,
            AssessedAt = AssessedAt,
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            Payload = Payload,
            Entries = entries,
            RuleErrors = RegisterValues.ParseRuleErrors(RuleErrors),
            ReassessedEventId = ReassessedEventId,
        };
    }

    /// <summary>RiskEntries as SQL Server stores them.</summary>
    internal sealed class EntryRow
    {
        public Guid Id { get; init; }

        public Guid EventId { get; init; }

        public Guid? RiskId { get; init; }

        public string SystemId { get; init; } = "";

        public string RuleId { get; init; } = "";

        public string Category { get; init; } = "";

        public string Title { get; init; } = "";

        public string Rationale { get; init; } = "";

        public int Likelihood { get; init; }

        public int Impact { get; init; }

        public int Score { get; init; }

        public string Level { get; init; } = "";

        public byte LevelRank { get; init; }

        public string Treatment { get; init; } = "";

        public string Controls { get; init; } = "";

        public string Nist { get; init; } = "";

        public string? MitDomain { get; init; }

        public string? Guidance { get; init; }

        public string Status { get; init; } = "";

        public Guid? TaskId { get; init; }

        public DateTimeOffset? DueBy { get; init; }

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public DateTimeOffset CreatedAt { get; init; }

        public static EntryRow From(RiskEntryRecord record) => new()
        {
            Id = record.Id,
            EventId = record.EventId,
            RiskId = record.RiskId,
            SystemId = record.SystemId,
            RuleId = record.RuleId,
            Category = record.Category,
            Title = record.Title,
            Rationale = record.Rationale,
            Likelihood = record.Likelihood,
            Impact = record.Impact,
            Score = record.Score,
            Level = record.Level.ToString(),
            LevelRank = checked((byte)RegisterValues.Rank(record.Level)),
            Treatment = record.Treatment.ToString(),
            Controls = RegisterValues.JoinControls(record.Controls),
            Nist = RegisterValues.JoinControls(record.Nist),
            MitDomain = record.MitDomain,
            Guidance = record.Guidance,
            Status = record.Status.ToString(),
            TaskId = record.TaskId,
            DueBy = record.DueBy is { } dueBy ? RegisterValues.ToMilliseconds(dueBy) : null,
            RuleSetVersion = record.RuleSetVersion,
            RuleSetHash = record.RuleSetHash,
            CreatedAt = RegisterValues.ToMilliseconds(record.CreatedAt),
        };

        public RiskEntryRecord ToRecord() => new()
        {
            Id = Id,
            EventId = EventId,
            RiskId = RiskId ?? Guid.Empty,
            SystemId = SystemId,
            RuleId = RuleId,
            Category = Category,
            Title = Title,
            Rationale = Rationale,
            Likelihood = Likelihood,
            Impact = Impact,
            Score = Score,
            Level = RegisterValues.ParseName<RiskLevel>(Level),
            Treatment = RegisterValues.ParseName<Treatment>(Treatment),
            Controls = RegisterValues.SplitControls(Controls),
            Nist = RegisterValues.SplitControls(Nist),
            MitDomain = MitDomain,
            Guidance = Guidance,
            Status = RegisterValues.ParseName<RiskEntryStatus>(Status),
            TaskId = TaskId,
            DueBy = DueBy,
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            CreatedAt = CreatedAt,
        };
    }
}

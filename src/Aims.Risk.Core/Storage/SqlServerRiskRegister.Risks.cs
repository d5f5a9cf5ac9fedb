using System.Data.Common;
using System.Runtime.CompilerServices;
using Aims.Risk.Contracts;
using Dapper;

namespace Aims.Risk.Core.Storage;

/// <summary>The register of risks on SQL Server. Each statement names its parameter type, so tests check it without a server.</summary>
public sealed partial class SqlServerRiskRegister
{
    private const string RiskColumns = """
        RiskId, SystemId, RuleId, Category, Title, Owner, Status, Likelihood, Impact, Score, Level, LevelRank, Controls,
        ResidualLikelihood, ResidualImpact, ResidualLevel, AcceptedBy, AcceptedUntil, DueBy, OpenTaskId,
        FirstSeenAt, LastSeenAt, LastEventId, RuleSetVersion, RuleSetHash, OverdueNoticeFor, Version
        """;

    private const string HistoryColumns = "ChangeId, RiskId, At, FromStatus, ToStatus, Actor, Reason, EventId, UpdateId, Level, ResidualLevel, TaskId";

    private const string EntryColumns = """
        Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
        Level, Treatment, Controls, Nist, MitDomain, Guidance, Status, TaskId, DueBy, RuleSetVersion, RuleSetHash, CreatedAt
        """;

    // UPDLOCK + HOLDLOCK lock the system's key range even where no risk exists yet: two events of one system on two
    // replicas take turns, so neither can open a second risk for the same rule.
    [SqlParameters(typeof(SystemKey))]
    internal const string SelectRisksOfSystemForUpdateSql = "SELECT " + RiskColumns + " FROM dbo.Risks WITH (UPDLOCK, HOLDLOCK) WHERE SystemId = @SystemId;";

    [SqlParameters(typeof(KeyParameter))]
    internal const string SelectRiskForUpdateSql = "SELECT " + RiskColumns + " FROM dbo.Risks WITH (UPDLOCK, HOLDLOCK) WHERE RiskId = @Key;";

    [SqlParameters(typeof(KeyParameter))]
    internal const string SelectRiskSql = "SELECT " + RiskColumns + " FROM dbo.Risks WHERE RiskId = @Key;";

    [SqlParameters(typeof(RiskFilter))]
    internal const string SelectRisksSql = "SELECT TOP (@Limit) " + RiskColumns + """
         FROM dbo.Risks
        WHERE (@SystemId IS NULL OR SystemId = @SystemId)
          AND (@Status IS NULL OR Status = @Status)
          AND (@MinimumRank IS NULL OR LevelRank >= @MinimumRank)
        ORDER BY SystemId, RuleId
        OPTION (RECOMPILE);
        """;

    [SqlParameters(typeof(SystemFilter))]
    internal const string StreamRisksSql = "SELECT " + RiskColumns + """
         FROM dbo.Risks
        WHERE @SystemId IS NULL OR SystemId = @SystemId
        OPTION (RECOMPILE);
        """;

    [SqlParameters(typeof(SystemFilter))]
    internal const string StreamHistorySql = "SELECT " + HistoryColumns + """
         FROM dbo.RiskHistory
        WHERE @SystemId IS NULL OR RiskId IN (SELECT RiskId FROM dbo.Risks WHERE SystemId = @SystemId)
        OPTION (RECOMPILE);
        """;

    [SqlParameters(typeof(DueFilter))]
    internal const string SelectDueRisksSql = "SELECT TOP (@Limit) " + RiskColumns + """
         FROM dbo.Risks
        WHERE (Status = @Accepted AND AcceptedUntil <= @Now)
           OR (Status IN (@TreatmentRequested, @InTreatment) AND DueBy <= @Now AND (OverdueNoticeFor IS NULL OR OverdueNoticeFor <> DueBy));
        """;

    [SqlParameters(typeof(RiskRow))]
    internal const string InsertRiskSql = """
        INSERT INTO dbo.Risks (RiskId, SystemId, RuleId, Category, Title, Owner, Status, Likelihood, Impact, Score, Level, LevelRank, Controls,
                               ResidualLikelihood, ResidualImpact, ResidualLevel, AcceptedBy, AcceptedUntil, DueBy, OpenTaskId,
                               FirstSeenAt, LastSeenAt, LastEventId, RuleSetVersion, RuleSetHash, OverdueNoticeFor, Version)
        VALUES (@RiskId, @SystemId, @RuleId, @Category, @Title, @Owner, @Status, @Likelihood, @Impact, @Score, @Level, @LevelRank, @Controls,
                @ResidualLikelihood, @ResidualImpact, @ResidualLevel, @AcceptedBy, @AcceptedUntil, @DueBy, @OpenTaskId,
                @FirstSeenAt, @LastSeenAt, @LastEventId, @RuleSetVersion, @RuleSetHash, @OverdueNoticeFor, @Version);
        """;

    [SqlParameters(typeof(RiskRow))]
    internal const string UpdateRiskSql = """
        UPDATE dbo.Risks
           SET Category = @Category, Title = @Title, Owner = @Owner, Status = @Status, Likelihood = @Likelihood, Impact = @Impact,
               Score = @Score, Level = @Level, LevelRank = @LevelRank, Controls = @Controls, ResidualLikelihood = @ResidualLikelihood,
               ResidualImpact = @ResidualImpact, ResidualLevel = @ResidualLevel, AcceptedBy = @AcceptedBy,
               AcceptedUntil = @AcceptedUntil, DueBy = @DueBy, OpenTaskId = @OpenTaskId, FirstSeenAt = @FirstSeenAt,
               LastSeenAt = @LastSeenAt, LastEventId = @LastEventId, RuleSetVersion = @RuleSetVersion,
               RuleSetHash = @RuleSetHash, OverdueNoticeFor = @OverdueNoticeFor, Version = @Version
         WHERE RiskId = @RiskId AND Version = @ReadVersion;
        """;

    /// <summary>A risk seen again unchanged: only the last-seen columns, so no index of the table is touched.</summary>
    [SqlParameters(typeof(RiskRow))]
    internal const string ReconfirmRiskSql = """
        UPDATE dbo.Risks
           SET LastSeenAt = @LastSeenAt, LastEventId = @LastEventId, RuleSetVersion = @RuleSetVersion, RuleSetHash = @RuleSetHash,
               Version = @Version
         WHERE RiskId = @RiskId AND Version = @ReadVersion;
        """;

    [SqlParameters(typeof(HistoryRow))]
    internal const string InsertHistorySql = """
        INSERT INTO dbo.RiskHistory (ChangeId, RiskId, At, FromStatus, ToStatus, Actor, Reason, EventId, UpdateId, Level, ResidualLevel, TaskId)
        VALUES (@ChangeId, @RiskId, @At, @FromStatus, @ToStatus, @Actor, @Reason, @EventId, @UpdateId, @Level, @ResidualLevel, @TaskId);
        """;

    [SqlParameters(typeof(KeyParameter))]
    internal const string SelectHistoryOfRiskSql = "SELECT " + HistoryColumns + " FROM dbo.RiskHistory WHERE RiskId = @Key ORDER BY At, Seq;";

    // The IS NOT NULL terms let SQL Server use the filtered indexes for a parameter (which could otherwise be null); for
    // the update look-up that keeps its range lock on one key of UX_RiskHistory_UpdateId instead of the whole table.
    [SqlParameters(typeof(KeyParameter))]
    internal const string SelectHistoryOfEventSql = "SELECT " + HistoryColumns + " FROM dbo.RiskHistory WHERE EventId = @Key AND EventId IS NOT NULL ORDER BY At, Seq;";

    [SqlParameters(typeof(KeyParameter))]
    internal const string SelectHistoryOfUpdateSql = "SELECT " + HistoryColumns + " FROM dbo.RiskHistory WITH (UPDLOCK, HOLDLOCK) WHERE UpdateId = @Key AND UpdateId IS NOT NULL;";

    [SqlParameters(typeof(KeyParameter))]
    internal const string SelectRiskOfTaskSql = "SELECT TOP (1) RiskId FROM dbo.RiskHistory WHERE TaskId = @Key AND TaskId IS NOT NULL;";

    [SqlParameters(typeof(EntriesOfRisk))]
    internal const string SelectEntriesOfRiskSql = "SELECT TOP (@Limit) " + EntryColumns + " FROM dbo.RiskEntries WHERE RiskId = @RiskId ORDER BY CreatedAt DESC, Id;";

    [SqlParameters(typeof(LimitParameter))]
    internal const string SelectEntriesWithoutRiskSql = "SELECT TOP (@Limit) " + EntryColumns + " FROM dbo.RiskEntries WHERE RiskId IS NULL ORDER BY CreatedAt;";

    [SqlParameters(typeof(EntryRisk))]
    internal const string SetEntryRiskSql = "UPDATE dbo.RiskEntries SET RiskId = @RiskId WHERE Id = @Id;";

    [SqlParameters(typeof(OutboxRow))]
    internal const string InsertOutboxSql = """
        INSERT INTO dbo.Outbox (MessageId, MessageType, Body, CreatedAt)
        SELECT @MessageId, @MessageType, @Body, @CreatedAt
        WHERE NOT EXISTS (SELECT 1 FROM dbo.Outbox WITH (UPDLOCK, HOLDLOCK) WHERE MessageId = @MessageId);
        """;

    [SqlParameters(typeof(LimitParameter))]
    internal const string SelectOutboxSql = """
        SELECT TOP (@Limit) MessageId, MessageType, Body, CreatedAt, PublishedAt FROM dbo.Outbox WHERE PublishedAt IS NULL ORDER BY CreatedAt, Seq;
        """;

    [SqlParameters(typeof(Published))]
    internal const string MarkPublishedSql = "UPDATE dbo.Outbox SET PublishedAt = @PublishedAt WHERE MessageId = @MessageId AND PublishedAt IS NULL;";

    protected override async Task<IReadOnlyList<RiskRecord>> ReadRisksOfSystemAsync(DbConnection connection, DbTransaction transaction, string systemId, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<RiskRow>(new CommandDefinition(SelectRisksOfSystemForUpdateSql, new SystemKey(systemId), transaction, cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task<IReadOnlyList<RiskRecord>> ReadRisksAsync(DbConnection connection, RiskQuery query, CancellationToken cancellationToken)
    {
        var filter = new RiskFilter(query.SystemId, query.Status?.ToString(), query.MinimumLevel is { } level ? RegisterValues.Rank(level) : null, query.Limit);
        var rows = await connection.QueryAsync<RiskRow>(new CommandDefinition(SelectRisksSql, filter, cancellationToken: cancellationToken));
        return UnreadableRow.Map(rows, "Risks", r => r.RiskId.ToString("D"), r => r.ToRecord(), query.OnUnreadableRow);
    }

    protected override async IAsyncEnumerable<RiskRecord> StreamRisksAsync(DbConnection connection, string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(StreamRisksSql, new SystemFilter(systemId), cancellationToken: cancellationToken));
        var parse = reader.GetRowParser<RiskRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return parse(reader).ToRecord();
        }
    }

    protected override async IAsyncEnumerable<RiskHistoryRecord> StreamHistoryAsync(DbConnection connection, string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(StreamHistorySql, new SystemFilter(systemId), cancellationToken: cancellationToken));
        var parse = reader.GetRowParser<HistoryRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return parse(reader).ToRecord();
        }
    }

    protected override async Task<RiskRecord?> ReadRiskAsync(DbConnection connection, DbTransaction? transaction, Guid riskId, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<RiskRow>(
            new CommandDefinition(transaction is null ? SelectRiskSql : SelectRiskForUpdateSql, new KeyParameter(riskId), transaction, cancellationToken: cancellationToken)))?.ToRecord();

    protected override async Task<Guid?> ReadRiskOfTaskAsync(DbConnection connection, DbTransaction transaction, Guid taskId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(SelectRiskOfTaskSql, new KeyParameter(taskId), transaction, cancellationToken: cancellationToken));

    protected override async Task InsertRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(InsertRiskSql, RiskRow.From(risk, readVersion: 0), transaction, cancellationToken: cancellationToken));

    protected override async Task<bool> UpdateRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, long readVersion, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(UpdateRiskSql, RiskRow.From(risk, readVersion), transaction, cancellationToken: cancellationToken)) == 1;

    protected override async Task<bool> ReconfirmRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, long readVersion, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(ReconfirmRiskSql, RiskRow.From(risk, readVersion), transaction, cancellationToken: cancellationToken)) == 1;

    protected override async Task InsertHistoryAsync(DbConnection connection, DbTransaction transaction, RiskHistoryRecord history, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(InsertHistorySql, HistoryRow.From(history), transaction, cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<RiskHistoryRecord>> ReadHistoryOfRiskAsync(DbConnection connection, Guid riskId, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<HistoryRow>(new CommandDefinition(SelectHistoryOfRiskSql, new KeyParameter(riskId), cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task<IReadOnlyList<RiskHistoryRecord>> ReadHistoryOfEventAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<HistoryRow>(new CommandDefinition(SelectHistoryOfEventSql, new KeyParameter(eventId), transaction, cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task<RiskHistoryRecord?> ReadHistoryOfUpdateAsync(DbConnection connection, DbTransaction transaction, Guid updateId, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<HistoryRow>(new CommandDefinition(SelectHistoryOfUpdateSql, new KeyParameter(updateId), transaction, cancellationToken: cancellationToken)))?.ToRecord();

    protected override async Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesOfRiskAsync(DbConnection connection, DbTransaction? transaction, Guid riskId, int limit, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<EntryRow>(new CommandDefinition(SelectEntriesOfRiskSql, new EntriesOfRisk(riskId, limit), transaction, cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord())];

    protected override async Task<IReadOnlyList<RiskRecord>> ReadDueRisksAsync(DbConnection connection, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<RiskRow>(new CommandDefinition(SelectDueRisksSql, new DueFilter(RegisterValues.ToMilliseconds(now), limit), cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord())];

    protected override async Task InsertOutboxAsync(DbConnection connection, DbTransaction transaction, OutboxMessage message, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(
            InsertOutboxSql,
            new OutboxRow { MessageId = message.MessageId, MessageType = message.MessageType, Body = message.Body, CreatedAt = RegisterValues.ToMilliseconds(message.CreatedAt) },
            transaction,
            cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(DbConnection connection, int limit, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<OutboxRow>(new CommandDefinition(SelectOutboxSql, new LimitParameter(limit), cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task MarkPublishedAsync(DbConnection connection, Guid messageId, DateTimeOffset publishedAt, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(MarkPublishedSql, new Published(messageId, RegisterValues.ToMilliseconds(publishedAt)), cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesWithoutRiskAsync(DbConnection connection, int limit, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<EntryRow>(new CommandDefinition(SelectEntriesWithoutRiskSql, new LimitParameter(limit), cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task SetEntryRiskAsync(DbConnection connection, DbTransaction transaction, Guid entryId, Guid riskId, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(SetEntryRiskSql, new EntryRisk(entryId, riskId), transaction, cancellationToken: cancellationToken));

    private static TEnum? ParseOptional<TEnum>(string? name)
        where TEnum : struct, Enum => name is null ? null : RegisterValues.ParseName<TEnum>(name);

    private static DateTimeOffset? Milliseconds(DateTimeOffset? value) => value is { } v ? RegisterValues.ToMilliseconds(v) : null;
}

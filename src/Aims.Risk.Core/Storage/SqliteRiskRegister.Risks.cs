using System.Data.Common;
using System.Runtime.CompilerServices;
using Aims.Risk.Contracts;
using Dapper;

namespace Aims.Risk.Core.Storage;

/// <summary>The register of risks in SQLite: text UUIDs and UTC timestamps, as in the other tables.</summary>
public sealed partial class SqliteRiskRegister
{
    private const string RiskColumns = """
        RiskId, SystemId, RuleId, Category, Title, Owner, Status, Likelihood, Impact, Score, Level, LevelRank, Controls,
        ResidualLikelihood, ResidualImpact, ResidualLevel, AcceptedBy, AcceptedUntil, DueBy, OpenTaskId,
        FirstSeenAt, LastSeenAt, LastEventId, RuleSetVersion, RuleSetHash, OverdueNoticeFor, Version
        """;

    private const string SelectRisksOfSystemSql = "SELECT " + RiskColumns + " FROM Risks WHERE SystemId = @SystemId;";

    private const string SelectRiskVersionsOfSystemSql = "SELECT RiskId, Version FROM Risks WHERE SystemId = @SystemId;";

    private const string SelectAllRisksSql = "SELECT " + RiskColumns + " FROM Risks;";

    private const string SelectRiskSql = "SELECT " + RiskColumns + " FROM Risks WHERE RiskId = @RiskId;";

    private const string SelectRisksSql = "SELECT " + RiskColumns + """
         FROM Risks
        WHERE (@SystemId IS NULL OR SystemId = @SystemId)
          AND (@Status IS NULL OR Status = @Status)
          AND (@MinimumRank IS NULL OR LevelRank >= @MinimumRank)
        ORDER BY SystemId, RuleId
        LIMIT @Limit;
        """;

    private const string SelectDueRisksSql = "SELECT " + RiskColumns + """
         FROM Risks
        WHERE (Status = 'Accepted' AND AcceptedUntil <= @Now)
           OR (Status IN ('TreatmentRequested', 'InTreatment') AND DueBy <= @Now AND (OverdueNoticeFor IS NULL OR OverdueNoticeFor <> DueBy))
        LIMIT @Limit;
        """;

    private const string InsertRiskSql = """
        INSERT INTO Risks (RiskId, SystemId, RuleId, Category, Title, Owner, Status, Likelihood, Impact, Score, Level, LevelRank, Controls,
                           ResidualLikelihood, ResidualImpact, ResidualLevel, AcceptedBy, AcceptedUntil, DueBy, OpenTaskId,
                           FirstSeenAt, LastSeenAt, LastEventId, RuleSetVersion, RuleSetHash, OverdueNoticeFor, Version)
        VALUES (@RiskId, @SystemId, @RuleId, @Category, @Title, @Owner, @Status, @Likelihood, @Impact, @Score, @Level, @LevelRank, @Controls,
                @ResidualLikelihood, @ResidualImpact, @ResidualLevel, @AcceptedBy, @AcceptedUntil, @DueBy, @OpenTaskId,
                @FirstSeenAt, @LastSeenAt, @LastEventId, @RuleSetVersion, @RuleSetHash, @OverdueNoticeFor, @Version);
        """;

    private const string UpdateRiskSql = """
        UPDATE Risks
           SET Category = @Category, Title = @Title, Owner = @Owner, Status = @Status, Likelihood = @Likelihood, Impact = @Impact,
               Score = @Score, Level = @Level, LevelRank = @LevelRank, Controls = @Controls, ResidualLikelihood = @ResidualLikelihood,
               ResidualImpact = @ResidualImpact, ResidualLevel = @ResidualLevel, AcceptedBy = @AcceptedBy,
               AcceptedUntil = @AcceptedUntil, DueBy = @DueBy, OpenTaskId = @OpenTaskId, FirstSeenAt = @FirstSeenAt,
               LastSeenAt = @LastSeenAt, LastEventId = @LastEventId, RuleSetVersion = @RuleSetVersion,
               RuleSetHash = @RuleSetHash, OverdueNoticeFor = @OverdueNoticeFor, Version = @Version
         WHERE RiskId = @RiskId AND Version = @ReadVersion;
        """;

    /// <summary>A risk seen again unchanged: only the last-seen columns, so no index of the table is touched.</summary>
    private const string ReconfirmRiskSql = """
        UPDATE Risks
           SET LastSeenAt = @LastSeenAt, LastEventId = @LastEventId, RuleSetVersion = @RuleSetVersion, RuleSetHash = @RuleSetHash,
               Version = @Version
         WHERE RiskId = @RiskId AND Version = @ReadVersion;
        """;

    private const string HistoryColumns = "ChangeId, RiskId, At, FromStatus, ToStatus, Actor, Reason, EventId, UpdateId, Level, ResidualLevel, TaskId";

    private const string InsertHistorySql = """
        INSERT INTO RiskHistory (ChangeId, RiskId, At, FromStatus, ToStatus, Actor, Reason, EventId, UpdateId, Level, ResidualLevel, TaskId)
        VALUES (@ChangeId, @RiskId, @At, @FromStatus, @ToStatus, @Actor, @Reason, @EventId, @UpdateId, @Level, @ResidualLevel, @TaskId);
        """;

    private const string SelectHistoryOfRiskSql = "SELECT " + HistoryColumns + " FROM RiskHistory WHERE RiskId = @Key ORDER BY At, ChangeId;";

    private const string SelectAllHistorySql = "SELECT " + HistoryColumns + " FROM RiskHistory;";

    private const string SelectHistoryOfSystemSql = "SELECT " + HistoryColumns + " FROM RiskHistory WHERE RiskId IN (SELECT RiskId FROM Risks WHERE SystemId = @SystemId);";

    private const string SelectHistoryOfEventSql = "SELECT " + HistoryColumns + " FROM RiskHistory WHERE EventId = @Key ORDER BY At, ChangeId;";

    private const string SelectHistoryOfUpdateSql = "SELECT " + HistoryColumns + " FROM RiskHistory WHERE UpdateId = @Key;";

    private const string SelectRiskOfTaskSql = "SELECT RiskId FROM RiskHistory WHERE TaskId = @Key LIMIT 1;";

    private const string EntryColumns = """
        Id, EventId, RiskId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
        Level, Treatment, Controls, Nist, MitDomain, Guidance, Status, TaskId, DueBy, RuleSetVersion, RuleSetHash, CreatedAt
        """;

    private const string SelectEntriesOfRiskSql = "SELECT " + EntryColumns + " FROM RiskEntries WHERE RiskId = @RiskId ORDER BY CreatedAt DESC, Id LIMIT @Limit;";

    private const string SelectEntriesWithoutRiskSql = "SELECT " + EntryColumns + " FROM RiskEntries WHERE RiskId IS NULL ORDER BY CreatedAt LIMIT @Limit;";

    private const string SetEntryRiskSql = "UPDATE RiskEntries SET RiskId = @RiskId WHERE Id = @Id;";

    private const string InsertOutboxSql = """
        INSERT INTO Outbox (MessageId, MessageType, Body, CreatedAt) VALUES (@MessageId, @MessageType, @Body, @CreatedAt)
        ON CONFLICT (MessageId) DO NOTHING;
        """;

    private const string SelectOutboxSql = """
        SELECT MessageId, MessageType, Body, CreatedAt, PublishedAt FROM Outbox WHERE PublishedAt IS NULL ORDER BY CreatedAt LIMIT @Limit;
        """;

    private const string MarkPublishedSql = "UPDATE Outbox SET PublishedAt = @PublishedAt WHERE MessageId = @MessageId AND PublishedAt IS NULL;";

    protected override async Task<IReadOnlyList<RiskRecord>> ReadRisksOfSystemAsync(DbConnection connection, DbTransaction transaction, string systemId, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<RiskRow>(new CommandDefinition(SelectRisksOfSystemSql, new { SystemId = systemId }, transaction, cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task<IReadOnlyList<RiskRecord>> ReadRisksAsync(DbConnection connection, RiskQuery query, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            query.SystemId,
            Status = query.Status?.ToString(),
            MinimumRank = query.MinimumLevel is { } level ? RegisterValues.Rank(level) : (int?)null,
            query.Limit,
        };
        var rows = await connection.QueryAsync<RiskRow>(new CommandDefinition(SelectRisksSql, parameters, cancellationToken: cancellationToken));
        return UnreadableRow.Map(rows, "Risks", r => r.RiskId, r => r.ToRecord(), query.OnUnreadableRow);
    }

    // Read by column position, without Dapper's row objects: a report reads the whole table.
    protected override async IAsyncEnumerable<RiskRecord> StreamRisksAsync(DbConnection connection, string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var command = systemId is null
            ? new CommandDefinition(SelectAllRisksSql, cancellationToken: cancellationToken)
            : new CommandDefinition(SelectRisksOfSystemSql, new { SystemId = systemId }, cancellationToken: cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(command);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadRisk(reader);
        }
    }

    protected override async IAsyncEnumerable<RiskHistoryRecord> StreamHistoryAsync(DbConnection connection, string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var command = systemId is null
            ? new CommandDefinition(SelectAllHistorySql, cancellationToken: cancellationToken)
            : new CommandDefinition(SelectHistoryOfSystemSql, new { SystemId = systemId }, cancellationToken: cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(command);
        var parse = reader.GetRowParser<HistoryRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return parse(reader).ToRecord();
        }
    }

    /// <summary>A row of <see cref="RiskColumns"/>, by position; the same values as <see cref="RiskRow.ToRecord"/>.</summary>
    private static RiskRecord ReadRisk(DbDataReader row)
    {
        string? Text(int column) => row.IsDBNull(column) ? null : row.GetString(column);
        int? Number(int column) => row.IsDBNull(column) ? null : checked((int)row.GetInt64(column));
        return new RiskRecord
        {
            RiskId = RegisterValues.ParseGuid(row.GetString(0)),
            SystemId = row.GetString(1),
            RuleId = row.GetString(2),
            Category = row.GetString(3),
            Title = row.GetString(4),
            Owner = row.GetString(5),
            Status = RegisterValues.ParseName<RiskStatus>(row.GetString(6)),
            Likelihood = checked((int)row.GetInt64(7)),
            Impact = checked((int)row.GetInt64(8)),
            Score = checked((int)row.GetInt64(9)),
            Level = RegisterValues.ParseName<RiskLevel>(row.GetString(10)),
            Controls = RegisterValues.SplitControls(row.GetString(12)),
            ResidualLikelihood = Number(13),
            ResidualImpact = Number(14),
            ResidualLevel = ParseOptional<RiskLevel>(Text(15)),
            AcceptedBy = Text(16),
            AcceptedUntil = ParseOptionalTimestamp(Text(17)),
            DueBy = ParseOptionalTimestamp(Text(18)),
            OpenTaskId = ParseOptionalGuid(Text(19)),
            FirstSeenAt = RegisterValues.ParseTimestamp(row.GetString(20)),
            LastSeenAt = RegisterValues.ParseTimestamp(row.GetString(21)),
            LastEventId = RegisterValues.ParseGuid(row.GetString(22)),
            RuleSetVersion = row.GetString(23),
            RuleSetHash = row.GetString(24),
            OverdueNoticeFor = ParseOptionalTimestamp(Text(25)),
            Version = row.GetInt64(26),
        };
    }

    protected override async Task<RiskRecord?> ReadRiskAsync(DbConnection connection, DbTransaction? transaction, Guid riskId, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<RiskRow>(
            new CommandDefinition(SelectRiskSql, new { RiskId = RegisterValues.FormatGuid(riskId) }, transaction, cancellationToken: cancellationToken)))?.ToRecord();

    protected override async Task<Guid?> ReadRiskOfTaskAsync(DbConnection connection, DbTransaction transaction, Guid taskId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<string>(
            new CommandDefinition(SelectRiskOfTaskSql, new { Key = RegisterValues.FormatGuid(taskId) }, transaction, cancellationToken: cancellationToken)) is { } id
            ? RegisterValues.ParseGuid(id)
            : null;

    protected override async Task InsertRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(InsertRiskSql, RiskRow.From(risk, readVersion: 0), transaction, cancellationToken: cancellationToken));

    protected override async Task<bool> UpdateRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, long readVersion, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(UpdateRiskSql, RiskRow.From(risk, readVersion), transaction, cancellationToken: cancellationToken)) == 1;

    protected override async Task InsertHistoryAsync(DbConnection connection, DbTransaction transaction, RiskHistoryRecord history, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(InsertHistorySql, HistoryRow.From(history), transaction, cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<RiskHistoryRecord>> ReadHistoryOfRiskAsync(DbConnection connection, Guid riskId, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<HistoryRow>(new CommandDefinition(SelectHistoryOfRiskSql, new { Key = RegisterValues.FormatGuid(riskId) }, cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task<IReadOnlyList<RiskHistoryRecord>> ReadHistoryOfEventAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<HistoryRow>(new CommandDefinition(SelectHistoryOfEventSql, new { Key = RegisterValues.FormatGuid(eventId) }, transaction, cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task<RiskHistoryRecord?> ReadHistoryOfUpdateAsync(DbConnection connection, DbTransaction transaction, Guid updateId, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<HistoryRow>(new CommandDefinition(SelectHistoryOfUpdateSql, new { Key = RegisterValues.FormatGuid(updateId) }, transaction, cancellationToken: cancellationToken)))?.ToRecord();

    protected override async Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesOfRiskAsync(DbConnection connection, DbTransaction? transaction, Guid riskId, int limit, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<EntryRow>(
            new CommandDefinition(SelectEntriesOfRiskSql, new { RiskId = RegisterValues.FormatGuid(riskId), Limit = limit }, transaction, cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord())];

    protected override async Task<IReadOnlyList<RiskRecord>> ReadDueRisksAsync(DbConnection connection, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<RiskRow>(
            new CommandDefinition(SelectDueRisksSql, new { Now = RegisterValues.FormatTimestamp(now), Limit = limit }, cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord())];

    protected override async Task InsertOutboxAsync(DbConnection connection, DbTransaction transaction, OutboxMessage message, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(
            InsertOutboxSql,
            new
            {
                MessageId = RegisterValues.FormatGuid(message.MessageId),
                message.MessageType,
                message.Body,
                CreatedAt = RegisterValues.FormatTimestamp(message.CreatedAt),
            },
            transaction,
            cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(DbConnection connection, int limit, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<OutboxRow>(new CommandDefinition(SelectOutboxSql, new { Limit = limit }, cancellationToken: cancellationToken))).Select(r => r.ToRecord())];

    protected override async Task MarkPublishedAsync(DbConnection connection, Guid messageId, DateTimeOffset publishedAt, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(
            MarkPublishedSql,
            new { MessageId = RegisterValues.FormatGuid(messageId), PublishedAt = RegisterValues.FormatTimestamp(publishedAt) },
            cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesWithoutRiskAsync(DbConnection connection, int limit, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<EntryRow>(new CommandDefinition(SelectEntriesWithoutRiskSql, new { Limit = limit }, cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord())];

    protected override async Task SetEntryRiskAsync(DbConnection connection, DbTransaction transaction, Guid entryId, Guid riskId, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(
            SetEntryRiskSql,
            new { Id = RegisterValues.FormatGuid(entryId), RiskId = RegisterValues.FormatGuid(riskId) },
            transaction,
            cancellationToken: cancellationToken));

    private static string? Format(Guid? value) => value is { } v ? RegisterValues.FormatGuid(v) : null;

    private static string? Format(DateTimeOffset? value) => value is { } v ? RegisterValues.FormatTimestamp(v) : null;

    private static Guid? ParseOptionalGuid(string? text) => text is null ? null : RegisterValues.ParseGuid(text);

    private static DateTimeOffset? ParseOptionalTimestamp(string? text) => text is null ? null : RegisterValues.ParseTimestamp(text);

    private static TEnum? ParseOptional<TEnum>(string? name)
        where TEnum : struct, Enum => name is null ? null : RegisterValues.ParseName<TEnum>(name);

    /// <summary>Risks as SQLite stores them.</summary>
}

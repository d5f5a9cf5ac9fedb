using System.Data.Common;
using Dapper;

namespace Aims.Risk.Core.Storage;

/// <summary>SQLite: re-assessment runs and what they did to each system.</summary>
public sealed partial class SqliteRiskRegister
{
    private const string InsertRunSql = """
        INSERT INTO Reassessments (RunId, RunKey, Reason, SystemId, RuleSetVersion, RuleSetHash, RequestedAt)
        VALUES (@RunId, @RunKey, @Reason, @SystemId, @RuleSetVersion, @RuleSetHash, @RequestedAt)
        ON CONFLICT (RunKey) DO NOTHING;
        """;

    private const string SelectClaimableRunsSql = """
        SELECT RunId, RunKey, Reason, SystemId, RuleSetVersion, RuleSetHash, RequestedAt, ClaimedAt, EnqueuedAt, FinishedAt,
               Systems, 0 AS Done, Opened, Resolved, Changed
        FROM Reassessments
        WHERE FinishedAt IS NULL AND EnqueuedAt IS NULL AND (ClaimedAt IS NULL OR ClaimedAt < @StaleBefore)
        ORDER BY RequestedAt
        LIMIT 10;
        """;

    private const string ClaimRunSql = """
        UPDATE Reassessments SET ClaimedAt = @Now
        WHERE RunId = @RunId AND EnqueuedAt IS NULL AND (ClaimedAt IS NULL OR ClaimedAt < @StaleBefore);
        """;

    private const string RenewClaimSql = """
        UPDATE Reassessments SET ClaimedAt = @Now
        WHERE RunId = @RunId AND EnqueuedAt IS NULL AND ClaimedAt = @ClaimedAt;
        """;

    private const string MarkRunEnqueuedSql = """
        UPDATE Reassessments SET EnqueuedAt = @At, Systems = @Systems, RuleSetVersion = @RuleSetVersion, RuleSetHash = @RuleSetHash
        WHERE RunId = @RunId;
        """;

    private const string InsertReassessedSystemSql = """
        INSERT INTO ReassessedSystems (RunId, SystemId, EventId, At, Opened, Resolved, Changed)
        VALUES (@RunId, @SystemId, @EventId, @At, @Opened, @Resolved, @Changed)
        ON CONFLICT (RunId, SystemId) DO NOTHING;
        """;

    private const string CountReassessedSystemSql = """
        UPDATE Reassessments SET Done = Done + 1 WHERE RunId = @RunId;
        """;

    private const string FinishRunSql = """
        UPDATE Reassessments
        SET FinishedAt = @At,
            Opened = (SELECT COALESCE(SUM(Opened), 0) FROM ReassessedSystems WHERE RunId = @RunId),
            Resolved = (SELECT COALESCE(SUM(Resolved), 0) FROM ReassessedSystems WHERE RunId = @RunId),
            Changed = (SELECT COALESCE(SUM(Changed), 0) FROM ReassessedSystems WHERE RunId = @RunId)
        WHERE RunId = @RunId AND FinishedAt IS NULL AND EnqueuedAt IS NOT NULL AND Systems <= Done;
        """;

    private const string SelectRunsSql = """
        SELECT r.RunId, r.RunKey, r.Reason, r.SystemId, r.RuleSetVersion, r.RuleSetHash, r.RequestedAt, r.ClaimedAt, r.EnqueuedAt,
               r.FinishedAt, r.Systems, r.Done,
               r.Opened, r.Resolved, r.Changed
        FROM Reassessments AS r
        WHERE @UnfinishedOnly = 0 OR r.FinishedAt IS NULL
        ORDER BY r.RequestedAt DESC
        LIMIT @Limit;
        """;

    protected override async Task<bool> InsertRunIfAbsentAsync(DbConnection connection, ReassessmentRun run, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            RunId = RegisterValues.FormatGuid(run.RunId),
            run.RunKey,
            run.Reason,
            run.SystemId,
            run.RuleSetVersion,
            run.RuleSetHash,
            RequestedAt = RegisterValues.FormatTimestamp(run.RequestedAt),
        };
        return await connection.ExecuteAsync(new CommandDefinition(InsertRunSql, parameters, cancellationToken: cancellationToken)) == 1;
    }

    protected override async Task<IReadOnlyList<ReassessmentRun>> ReadClaimableRunsAsync(DbConnection connection, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<RunRow>(
            new CommandDefinition(SelectClaimableRunsSql, new { StaleBefore = RegisterValues.FormatTimestamp(staleBefore) }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    protected override async Task<bool> ClaimRunAsync(DbConnection connection, Guid runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        var parameters = new { RunId = RegisterValues.FormatGuid(runId), Now = RegisterValues.FormatTimestamp(now), StaleBefore = RegisterValues.FormatTimestamp(staleBefore) };
        return await connection.ExecuteAsync(new CommandDefinition(ClaimRunSql, parameters, cancellationToken: cancellationToken)) == 1;
    }

    protected override async Task<bool> RenewClaimAsync(DbConnection connection, Guid runId, DateTimeOffset claimedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new { RunId = RegisterValues.FormatGuid(runId), ClaimedAt = RegisterValues.FormatTimestamp(claimedAt), Now = RegisterValues.FormatTimestamp(now) };
        return await connection.ExecuteAsync(new CommandDefinition(RenewClaimSql, parameters, cancellationToken: cancellationToken)) == 1;
    }

    protected override async Task MarkRunEnqueuedAsync(DbConnection connection, Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var parameters = new { RunId = RegisterValues.FormatGuid(runId), At = RegisterValues.FormatTimestamp(at), Systems = systems, RuleSetVersion = ruleSetVersion, RuleSetHash = ruleSetHash };
        _ = await connection.ExecuteAsync(new CommandDefinition(MarkRunEnqueuedSql, parameters, cancellationToken: cancellationToken));
    }

    protected override async Task<bool> InsertReassessedSystemIfAbsentAsync(DbConnection connection, DbTransaction transaction, ReassessedSystem system, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            RunId = RegisterValues.FormatGuid(system.RunId),
            system.SystemId,
            EventId = system.EventId is { } eventId ? RegisterValues.FormatGuid(eventId) : null,
            At = RegisterValues.FormatTimestamp(system.At),
            system.Opened,
            system.Resolved,
            system.Changed,
        };
        if (await connection.ExecuteAsync(new CommandDefinition(InsertReassessedSystemSql, parameters, transaction, cancellationToken: cancellationToken)) != 1)
        {
            return false;
        }

        _ = await connection.ExecuteAsync(new CommandDefinition(CountReassessedSystemSql, new { parameters.RunId }, transaction, cancellationToken: cancellationToken));
        return true;
    }

    protected override async Task FinishRunIfDoneAsync(DbConnection connection, DbTransaction? transaction, Guid runId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(
            FinishRunSql, new { RunId = RegisterValues.FormatGuid(runId), At = RegisterValues.FormatTimestamp(at) }, transaction, cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<ReassessmentRun>> ReadRunsAsync(DbConnection connection, bool unfinishedOnly, int limit, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<RunRow>(
            new CommandDefinition(SelectRunsSql, new { UnfinishedOnly = unfinishedOnly ? 1 : 0, Limit = limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    private sealed class RunRow
    {
        public string RunId { get; init; } = "";

        public string RunKey { get; init; } = "";

        public string Reason { get; init; } = "";

        public string? SystemId { get; init; }

        public string? RuleSetVersion { get; init; }

        public string? RuleSetHash { get; init; }

        public string RequestedAt { get; init; } = "";

        public string? ClaimedAt { get; init; }

        public string? EnqueuedAt { get; init; }

        public string? FinishedAt { get; init; }

        public long? Systems { get; init; }

        public long Done { get; init; }

        public long Opened { get; init; }

        public long Resolved { get; init; }

        public long Changed { get; init; }

        public ReassessmentRun ToRecord() => new(
            RegisterValues.ParseGuid(RunId),
            RunKey,
            Reason,
            SystemId,
            RuleSetVersion,
            RuleSetHash,
            RegisterValues.ParseTimestamp(RequestedAt),
            ClaimedAt is null ? null : RegisterValues.ParseTimestamp(ClaimedAt),
            EnqueuedAt is null ? null : RegisterValues.ParseTimestamp(EnqueuedAt),
            FinishedAt is null ? null : RegisterValues.ParseTimestamp(FinishedAt),
            Systems is null ? null : checked((int)Systems),
            checked((int)Done),
            checked((int)Opened),
            checked((int)Resolved),
            checked((int)Changed));
    }
}

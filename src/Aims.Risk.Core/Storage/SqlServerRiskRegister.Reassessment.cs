using System.Data.Common;
using Dapper;

namespace Aims.Risk.Core.Storage;

/// <summary>SQL Server: re-assessment runs and what they did to each system.</summary>
public sealed partial class SqlServerRiskRegister
{
    [SqlParameters(typeof(RunInsert))]
    internal const string InsertRunSql = """
        INSERT INTO dbo.Reassessments (RunId, RunKey, Reason, SystemId, RuleSetVersion, RuleSetHash, RequestedAt)
        SELECT @RunId, @RunKey, @Reason, @SystemId, @RuleSetVersion, @RuleSetHash, @RequestedAt
        WHERE NOT EXISTS (SELECT 1 FROM dbo.Reassessments WITH (UPDLOCK, HOLDLOCK) WHERE RunKey = @RunKey);
        """;

    [SqlParameters(typeof(StaleFilter))]
    internal const string SelectClaimableRunsSql = """
        SELECT TOP (10) RunId, RunKey, Reason, SystemId, RuleSetVersion, RuleSetHash, RequestedAt, ClaimedAt, EnqueuedAt, FinishedAt,
               Systems, 0 AS Done, Opened, Resolved, Changed
        FROM dbo.Reassessments
        WHERE FinishedAt IS NULL AND EnqueuedAt IS NULL AND (ClaimedAt IS NULL OR ClaimedAt < @StaleBefore)
        ORDER BY RequestedAt;
        """;

    [SqlParameters(typeof(RunClaim))]
    internal const string ClaimRunSql = """
        UPDATE dbo.Reassessments SET ClaimedAt = @Now
        WHERE RunId = @RunId AND EnqueuedAt IS NULL AND (ClaimedAt IS NULL OR ClaimedAt < @StaleBefore);
        """;

    [SqlParameters(typeof(ClaimRenewal))]
    internal const string RenewClaimSql = """
        UPDATE dbo.Reassessments SET ClaimedAt = @Now
        WHERE RunId = @RunId AND EnqueuedAt IS NULL AND ClaimedAt = @ClaimedAt;
        """;

    [SqlParameters(typeof(RunEnqueued))]
    internal const string MarkRunEnqueuedSql = """
        UPDATE dbo.Reassessments SET EnqueuedAt = @At, Systems = @Systems, RuleSetVersion = @RuleSetVersion, RuleSetHash = @RuleSetHash
        WHERE RunId = @RunId;
        """;

    [SqlParameters(typeof(ReassessedSystem))]
    internal const string InsertReassessedSystemSql = """
        INSERT INTO dbo.ReassessedSystems (RunId, SystemId, EventId, At, Opened, Resolved, Changed)
        SELECT @RunId, @SystemId, @EventId, @At, @Opened, @Resolved, @Changed
        WHERE NOT EXISTS (SELECT 1 FROM dbo.ReassessedSystems WITH (UPDLOCK, HOLDLOCK) WHERE RunId = @RunId AND SystemId = @SystemId);
        """;

    [SqlParameters(typeof(RunKeyOnly))]
    internal const string CountReassessedSystemSql = """
        UPDATE dbo.Reassessments SET Done = Done + 1 WHERE RunId = @RunId;
        """;

    [SqlParameters(typeof(RunFinish))]
    internal const string FinishRunSql = """
        UPDATE dbo.Reassessments
        SET FinishedAt = @At,
            Opened = (SELECT COALESCE(SUM(Opened), 0) FROM dbo.ReassessedSystems WHERE RunId = @RunId),
            Resolved = (SELECT COALESCE(SUM(Resolved), 0) FROM dbo.ReassessedSystems WHERE RunId = @RunId),
            Changed = (SELECT COALESCE(SUM(Changed), 0) FROM dbo.ReassessedSystems WHERE RunId = @RunId)
        WHERE RunId = @RunId AND FinishedAt IS NULL AND EnqueuedAt IS NOT NULL AND Systems <= Done;
        """;

    [SqlParameters(typeof(RunFilter))]
    internal const string SelectRunsSql = """
        SELECT TOP (@Limit) r.RunId, r.RunKey, r.Reason, r.SystemId, r.RuleSetVersion, r.RuleSetHash, r.RequestedAt, r.ClaimedAt,
               r.EnqueuedAt, r.FinishedAt, r.Systems, r.Done,
               r.Opened, r.Resolved, r.Changed
        FROM dbo.Reassessments AS r
        WHERE @UnfinishedOnly = 0 OR r.FinishedAt IS NULL
        ORDER BY r.RequestedAt DESC;
        """;

    protected override async Task<bool> InsertRunIfAbsentAsync(DbConnection connection, ReassessmentRun run, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            InsertRunSql,
            new RunInsert(run.RunId, run.RunKey, run.Reason, run.SystemId, run.RuleSetVersion, run.RuleSetHash, RegisterValues.ToMilliseconds(run.RequestedAt)),
            cancellationToken: cancellationToken)) == 1;

    protected override async Task<IReadOnlyList<ReassessmentRun>> ReadClaimableRunsAsync(DbConnection connection, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(SelectClaimableRunsSql, new StaleFilter(staleBefore), cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    protected override async Task<bool> ClaimRunAsync(DbConnection connection, Guid runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(ClaimRunSql, new RunClaim(runId, RegisterValues.ToMilliseconds(now), staleBefore), cancellationToken: cancellationToken)) == 1;

    protected override async Task<bool> RenewClaimAsync(DbConnection connection, Guid runId, DateTimeOffset claimedAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            RenewClaimSql, new ClaimRenewal(runId, RegisterValues.ToMilliseconds(claimedAt), RegisterValues.ToMilliseconds(now)), cancellationToken: cancellationToken)) == 1;

    protected override async Task MarkRunEnqueuedAsync(DbConnection connection, Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(
            MarkRunEnqueuedSql, new RunEnqueued(runId, RegisterValues.ToMilliseconds(at), systems, ruleSetVersion, ruleSetHash), cancellationToken: cancellationToken));

    protected override async Task<bool> InsertReassessedSystemIfAbsentAsync(DbConnection connection, DbTransaction transaction, ReassessedSystem system, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteAsync(new CommandDefinition(
            InsertReassessedSystemSql, system with { At = RegisterValues.ToMilliseconds(system.At) }, transaction, cancellationToken: cancellationToken)) != 1)
        {
            return false;
        }

        _ = await connection.ExecuteAsync(new CommandDefinition(CountReassessedSystemSql, new RunKeyOnly(system.RunId), transaction, cancellationToken: cancellationToken));
        return true;
    }

    protected override async Task FinishRunIfDoneAsync(DbConnection connection, DbTransaction? transaction, Guid runId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(FinishRunSql, new RunFinish(runId, RegisterValues.ToMilliseconds(at)), transaction, cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<ReassessmentRun>> ReadRunsAsync(DbConnection connection, bool unfinishedOnly, int limit, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(SelectRunsSql, new RunFilter(unfinishedOnly ? 1 : 0, limit), cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    private sealed record RunInsert(Guid RunId, string RunKey, string Reason, string? SystemId, string? RuleSetVersion, string? RuleSetHash, DateTimeOffset RequestedAt);

    private sealed record StaleFilter(DateTimeOffset StaleBefore);

    private sealed record RunClaim(Guid RunId, DateTimeOffset Now, DateTimeOffset StaleBefore);

    private sealed record RunEnqueued(Guid RunId, DateTimeOffset At, int Systems, string RuleSetVersion, string RuleSetHash);

    private sealed record RunFinish(Guid RunId, DateTimeOffset At);

    private sealed record RunKeyOnly(Guid RunId);

    private sealed record ClaimRenewal(Guid RunId, DateTimeOffset ClaimedAt, DateTimeOffset Now);

    private sealed record RunFilter(int UnfinishedOnly, int Limit);

    private sealed class RunRow
    {
        public Guid RunId { get; init; }

        public string RunKey { get; init; } = "";

        public string Reason { get; init; } = "";

        public string? SystemId { get; init; }

        public string? RuleSetVersion { get; init; }

        public string? RuleSetHash { get; init; }

        public DateTimeOffset RequestedAt { get; init; }

        public DateTimeOffset? ClaimedAt { get; init; }

        public DateTimeOffset? EnqueuedAt { get; init; }

        public DateTimeOffset? FinishedAt { get; init; }

        public int? Systems { get; init; }

        public int Done { get; init; }

        public int Opened { get; init; }

        public int Resolved { get; init; }

        public int Changed { get; init; }

        public ReassessmentRun ToRecord() =>
            new(RunId, RunKey, Reason, SystemId, RuleSetVersion, RuleSetHash, RequestedAt, ClaimedAt, EnqueuedAt, FinishedAt, Systems, Done, Opened, Resolved, Changed);
    }
}

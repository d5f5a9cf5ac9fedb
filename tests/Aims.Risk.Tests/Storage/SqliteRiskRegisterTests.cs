using System.Text.RegularExpressions;
using Aims.Risk.Core.Storage;
using Dapper;
using Microsoft.Data.Sqlite;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>The contract on a real SQLite file, plus what an auditor opening that file relies on.</summary>
public sealed partial class SqliteRiskRegisterTests(SqliteDatabaseFixture database)
    : RiskRegisterContractTests(database), IClassFixture<SqliteDatabaseFixture>
{
    [Fact]
    public async Task Sqlite_stores_uuids_as_lowercase_text_and_timestamps_as_iso_8601_text()
    {
        var system = UniqueSystem("format");
        var assessment = Assessment(system, "privacy.consent-missing");
        _ = await database.CreateRegister().RecordAsync(assessment, CancellationToken.None);

        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleAsync<(string EventId, string OccurredAt, string AssessedAt, string Types)>(
            "SELECT EventId, OccurredAt, AssessedAt, typeof(EventId) || ',' || typeof(OccurredAt) FROM Assessments WHERE SystemId = @SystemId",
            new { SystemId = system });
        var entry = await connection.QuerySingleAsync<(string Id, string TaskId, string DueBy, string CreatedAt, string Level, string Treatment, string Status, string Controls, long LevelRank)>(
            "SELECT Id, TaskId, DueBy, CreatedAt, Level, Treatment, Status, Controls, LevelRank FROM RiskEntries WHERE SystemId = @SystemId",
            new { SystemId = system });

        Assert.Equal("text,text", row.Types);
        Assert.Equal(assessment.EventId.ToString(), row.EventId);
        Assert.Matches(LowercaseUuid(), row.EventId);
        Assert.Matches(LowercaseUuid(), entry.Id);
        Assert.Matches(LowercaseUuid(), entry.TaskId);

        // 04:51:11.123 at +01:00 is stored as the same instant in UTC.
        Assert.Equal("2026-11-29T03:51:11.123+00:00", row.OccurredAt);
        Assert.Matches(IsoTimestamp(), row.AssessedAt);
        Assert.Matches(IsoTimestamp(), entry.DueBy);
        Assert.Matches(IsoTimestamp(), entry.CreatedAt);
        Assert.Equal(("High", "Mitigate", "TreatmentRequested", "A.7.2,A.7.5", 2L), (entry.Level, entry.Treatment, entry.Status, entry.Controls, entry.LevelRank));
    }

    [Fact]
    public async Task Sqlite_database_uses_the_wal_journal()
    {
        await using var connection = await database.OpenAsync();

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Sqlite_register_connections_enforce_foreign_keys()
    {
        await using var connection = await database.OpenAsync();

        var error = await Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync(
            """
            INSERT INTO RiskEntries (Id, EventId, SystemId, RuleId, Category, Title, Rationale, Likelihood, Impact, Score,
                                     Level, LevelRank, Treatment, Controls, Status, RuleSetVersion, RuleSetHash, CreatedAt)
            VALUES (@Id, @EventId, 's', 'r', 'c', 't', 'r', 1, 1, 1, 'Low', 0, 'Accept', '', 'Accepted', '1', 'h', '2026-01-01T00:00:00.000+00:00')
            """,
            new { Id = Guid.NewGuid().ToString(), EventId = Guid.NewGuid().ToString() }));

        Assert.Equal(19, error.SqliteErrorCode);
    }

    [Fact]
    public async Task A_writer_waits_for_another_writers_transaction_instead_of_failing()
    {
        var assessment = Assessment(UniqueSystem("busy"), "privacy.consent-missing");
        await using var blocker = await database.OpenAsync();
        var transaction = await blocker.BeginTransactionAsync();

        // Microsoft.Data.Sqlite works synchronously: the waiting writer needs a thread of its own.
        var write = Task.Run(() => database.CreateRegister().RecordAsync(assessment, CancellationToken.None));
        await Task.Delay(300);
        Assert.False(write.IsCompleted);
        await transaction.RollbackAsync();

        Assert.False((await write).IsDuplicate);
    }

    [Fact]
    public void Default_connection_string_turns_foreign_keys_on_and_keeps_the_rest()
    {
        var register = new SqliteRiskRegister("Data Source=aims-risk.db;Default Timeout=45", SqlResilience.CreatePipeline());

        var built = new SqliteConnectionStringBuilder(register.ConnectionString);

        Assert.Equal(("aims-risk.db", true, 45), (built.DataSource, built.ForeignKeys, built.DefaultTimeout));
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex LowercaseUuid();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$")]
    private static partial Regex IsoTimestamp();
}

using System.Data.Common;
using System.Diagnostics;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// Concurrent records on one SQLite register are committed together (group commit); each caller must still
/// get its own outcome, exactly as with one transaction per event.
/// </summary>
public sealed class SqliteGroupCommitTests(SqliteDatabaseFixture database) : IClassFixture<SqliteDatabaseFixture>
{
    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task Concurrent_records_on_one_register_each_get_their_own_outcome()
    {
        var register = database.CreateRegister();
        var system = UniqueSystem("group");
        var stored = Assessment(system, "privacy.consent-missing");
        _ = await register.RecordAsync(stored, Token);
        var fresh = Enumerable.Range(0, 40).Select(i => Assessment(system, $"r.{i}")).ToList();
        var conflicting = stored with { Payload = stored.Payload + " " };
        var sameRule = Assessment(system, "same.rule");
        // Fails inside the batch's transaction: its entry reuses the id of an entry already stored.
        var broken = sameRule with { Entries = [sameRule.Entries[0] with { Id = stored.Entries[0].Id }] };

        var freshTasks = fresh.Select(a => register.RecordAsync(a, Token)).ToList();
        var duplicate = register.RecordAsync(stored, Token);
        var conflict = register.RecordAsync(conflicting, Token);
        var failure = register.RecordAsync(broken, Token);
        var twice = register.RecordAsync(fresh[0], Token);

        Assert.All(await Task.WhenAll(freshTasks), r => Assert.False(r.IsDuplicate));
        Assert.True((await duplicate).IsDuplicate);
        Assert.Equal(stored.Entries.Select(e => e.Id), (await duplicate).Entries.Select(e => e.Id));
        _ = await Assert.ThrowsAsync<EventConflictException>(() => conflict);
        _ = await Assert.ThrowsAnyAsync<DbException>(() => failure);
        Assert.True((await twice).IsDuplicate);
        Assert.Null(await register.FindAssessmentAsync(broken.EventId, Token));
        Assert.Equal(41, (await register.QueryEntriesAsync(new RegisterQuery { SystemId = system }, Token)).Count);
    }

    [Fact]
    public async Task A_cancelled_caller_does_not_fail_the_others()
    {
        var register = database.CreateRegister();
        var system = UniqueSystem("group-cancel");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var others = Enumerable.Range(0, 8).Select(i => register.RecordAsync(Assessment(system, $"r.{i}"), Token)).ToList();
        _ = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => register.RecordAsync(Assessment(system, "gone"), cancelled.Token));

        Assert.All(await Task.WhenAll(others), r => Assert.False(r.IsDuplicate));
    }

    [Fact]
    public async Task Committed_records_reach_the_database_file_without_waiting_for_the_log_to_fill()
    {
        var folder = Directory.CreateTempSubdirectory("aims-risk-checkpoint-").FullName;
        try
        {
            var file = Path.Combine(folder, "register.db");
            var register = new SqliteRiskRegister($"Data Source={file}", SqlResilience.CreatePipeline());
            await register.MigrateAsync(Token);
            var system = UniqueSystem("checkpoint");
            var records = Enumerable.Range(0, 20).Select(i => Assessment(system, $"r.{i}")).ToList();
            _ = await Task.WhenAll(records.Select(r => register.RecordAsync(r, Token)));

            // A few dozen log frames, far below SQLite's own inline checkpoint (1,000): only the register's
            // background checkpoint copies them into the database file while its connections stay open.
            var waited = Stopwatch.StartNew();
            long inFile;
            while ((inFile = await CountInDatabaseFileAloneAsync(file, folder)) < records.Count && waited.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(100);
            }

            Assert.Equal(records.Count, inFile);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Assessments in a copy of the database file without its write-ahead log: what a checkpoint has copied.</summary>
    private static async Task<long> CountInDatabaseFileAloneAsync(string file, string folder)
    {
        var copy = Path.Combine(folder, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(file, copy);
        try
        {
            await using var connection = new SqliteConnection($"Data Source={copy};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM Assessments;";
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (SqliteException)
        {
            // Copied halfway through a checkpoint's write, or before the tables reached the file: not there yet.
            return 0;
        }
    }

    [Fact]
    public async Task The_writer_sees_a_risk_that_another_writer_changed_since_its_own_last_write()
    {
        // The writer keeps the risks it wrote; an owner's update through another register (another process, say) must
        // reach the next reconciliation: a stale copy would re-confirm at the old version and fail, or hide the update.
        var writer = database.CreateRegister();
        var owner = database.CreateRegister();
        var system = UniqueSystem("group-cache");
        _ = await writer.RecordAsync(Assessment(system, "privacy.consent-missing", "security.unsigned-artifact"), Token);
        var risk = (await writer.QueryRisksAsync(new RiskQuery { SystemId = system }, Token)).Single(r => r.RuleId == "privacy.consent-missing");
        var accept = new RiskTreatmentUpdated
        {
            UpdateId = Guid.NewGuid(),
            RiskId = risk.RiskId,
            Action = TreatmentAction.Accepted,
            Actor = "cro@example.com",
            OccurredAt = At,
            AcceptedUntil = At.AddDays(30),
        };
        var criteria = Core.Rules.RuleSetLoader.Load(RepositoryRoot.Rules).Criteria;
        _ = await owner.TransitionAsync(risk.RiskId, null, accept.UpdateId, r => RiskLifecycle.Apply(r, accept, criteria, At), Token);

        var again = Assessment(system, "privacy.consent-missing", "security.unsigned-artifact");
        var result = await writer.RecordAsync(again, Token);

        Assert.Empty(result.Changes);
        var seen = (await owner.FindRiskAsync(risk.RiskId, Token))!.Risk;
        Assert.Equal((RiskStatus.Accepted, "cro@example.com", again.EventId, risk.Version + 2), (seen.Status, seen.AcceptedBy, seen.LastEventId, seen.Version));

        // Seen again by the writer, after its own write of the update's result: still one risk, still accepted, no change.
        var third = await writer.RecordAsync(Assessment(system, "privacy.consent-missing"), Token);
        Assert.Equal(RiskStatus.Accepted, (await owner.FindRiskAsync(risk.RiskId, Token))!.Risk.Status);
        Assert.Empty(third.Changes);
    }

    [Fact]
    public async Task A_stored_risk_this_version_cannot_read_fails_only_the_events_of_its_system()
    {
        var register = database.CreateRegister();
        var system = UniqueSystem("group-unreadable");
        _ = await register.RecordAsync(Assessment(system, "privacy.consent-missing"), Token);
        await using (var connection = new SqliteConnection(((SqliteRiskRegister)register).ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE Risks SET Status = 'Escalated', Version = Version + 1 WHERE SystemId = $system;";
            _ = command.Parameters.AddWithValue("$system", system);
            _ = await command.ExecuteNonQueryAsync();
        }

        var others = Enumerable.Range(0, 20).Select(i => register.RecordAsync(Assessment(UniqueSystem("group-readable"), $"r.{i}"), Token)).ToList();
        var bad = register.RecordAsync(Assessment(system, "privacy.consent-missing"), Token);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => bad);
        Assert.Contains("'Escalated' is not a RiskStatus name", failure.Message, StringComparison.Ordinal);
        Assert.All(await Task.WhenAll(others), r => Assert.False(r.IsDuplicate));
    }
}

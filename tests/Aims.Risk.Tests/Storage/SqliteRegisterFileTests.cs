using System.Diagnostics;
using System.Runtime.Versioning;
using Aims.Risk.Core.Storage;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// The SQLite register's file deleted, moved away, replaced or made read-only under a running register. SQLite goes on
/// writing into the files it opened, so without a check every such write "succeeds" and is lost at the next start. A write
/// must fail instead (as a transient store fault: the message waits), the store health check must say what and where, and
/// writes must resume by themselves once the register is back. No retries here: each failure is seen at once.
/// </summary>
public sealed class SqliteRegisterFileTests : IDisposable
{
    private static readonly CancellationToken Token = CancellationToken.None;

    private readonly string _folder = Directory.CreateTempSubdirectory("aims-risk-files-").FullName;

    private string Database => Path.Combine(_folder, "register.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_deleted_database_file_stops_writes_and_the_rescued_copy_brings_back_every_acknowledged_write()
    {
        using var register = await MigratedAsync();
        var before = Assessment("files-deleted", "privacy.consent-missing");
        _ = await register.RecordAsync(before, Token);

        DeleteDatabaseFiles();
        var after = Assessment("files-deleted", "security.unsigned-artifact");
        var refused = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));

        Assert.True(TransientSqlErrors.IsTransient(refused), "a deleted file must be waited for, not sent to the error queue");
        Assert.DoesNotContain(_folder, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"the database file {Database} was deleted or moved away", register.CheckFiles(), StringComparison.Ordinal);
        Assert.False(File.Exists(Database), "nothing may create an empty register at the path");
        var health = await HealthAsync(register);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains(Database, health.Description, StringComparison.Ordinal);

        var rescued = await RescuedCopyAsync(register);
        Assert.Contains($"saved what it still held (every write it acknowledged) to {rescued}", register.CheckFiles(), StringComparison.Ordinal);
        File.Move(rescued, Database);

        _ = await register.RecordAsync(after, Token);
        Assert.Null(register.CheckFiles());
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(register)).Status);
        Assert.Equal([before.EventId, after.EventId], await EventsAtPathAsync());
    }

    [Fact]
    public async Task A_database_file_moved_away_and_back_is_the_same_register_and_writes_resume()
    {
        using var register = await MigratedAsync();
        var before = Assessment("files-moved", "privacy.consent-missing");
        _ = await register.RecordAsync(before, Token);

        var away = Path.Combine(_folder, "elsewhere.db");
        File.Move(Database, away);
        var after = Assessment("files-moved", "security.unsigned-artifact");
        _ = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));

        File.Move(away, Database);
        _ = await register.RecordAsync(after, Token);

        Assert.Null(register.CheckFiles());
        Assert.Equal([before.EventId, after.EventId], await EventsAtPathAsync());
    }

    [Fact]
    public async Task A_database_file_replaced_by_one_that_is_not_this_register_is_never_written_to()
    {
        using var register = await MigratedAsync();
        var before = Assessment("files-replaced", "privacy.consent-missing");
        _ = await register.RecordAsync(before, Token);
        DeleteDatabaseFiles();
        var rescued = await RescuedCopyAsync(register);
        var after = Assessment("files-replaced", "security.unsigned-artifact");

        // Another SQLite database at the path.
        await ExecuteAsync(Database, "CREATE TABLE Other (Id INTEGER);");
        _ = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));
        Assert.Contains($"the file now at {Database} is not a risk register", register.CheckFiles(), StringComparison.Ordinal);
        Assert.Equal(["Other"], await TablesAsync(Database));

        // The register, but of an older schema (a script fewer).
        File.Delete(Database);
        File.Copy(rescued, Database);
        await ExecuteAsync(Database, "DELETE FROM SchemaVersions WHERE rowid = (SELECT MAX(rowid) FROM SchemaVersions);");
        _ = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));
        Assert.Contains("is a register of an older schema", register.CheckFiles(), StringComparison.Ordinal);

        // The rescued copy: the register as the worker left it.
        File.Delete(Database);
        File.Move(rescued, Database);
        _ = await register.RecordAsync(after, Token);
        Assert.Equal([before.EventId, after.EventId], await EventsAtPathAsync());
    }

    [Fact]
    public async Task A_deleted_write_ahead_log_stops_writes_and_its_commits_are_in_the_rescued_copy()
    {
        using var register = await MigratedAsync();
        var before = Assessment("files-wal", "privacy.consent-missing");
        _ = await register.RecordAsync(before, Token);

        File.Delete(Database + "-wal");
        var after = Assessment("files-wal", "security.unsigned-artifact");
        _ = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));
        Assert.Contains($"the write-ahead log {Database}-wal was deleted", register.CheckFiles(), StringComparison.Ordinal);

        var rescued = await RescuedCopyAsync(register);
        Assert.Equal([before.EventId], await EventsAsync(rescued));
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_database_file_without_write_permission_stops_writes_until_it_has_it_again_even_for_root()
    {
        using var register = await MigratedAsync();
        var before = Assessment("files-chmod", "privacy.consent-missing");
        _ = await register.RecordAsync(before, Token);
        var mode = File.GetUnixFileMode(Database);

        File.SetUnixFileMode(Database, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var after = Assessment("files-chmod", "security.unsigned-artifact");
        var refused = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));
        Assert.True(TransientSqlErrors.IsTransient(refused));
        Assert.Contains($"the database file {Database} is not writable: it has no write permission (mode 0444)", register.CheckFiles(), StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, (await HealthAsync(register)).Status);
        Assert.Equal([before.EventId], await EventsAtPathAsync());

        File.SetUnixFileMode(Database, mode);
        _ = await register.RecordAsync(after, Token);
        Assert.Null(register.CheckFiles());
        Assert.Equal([before.EventId, after.EventId], await EventsAtPathAsync());
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_read_only_folder_stops_writes_until_it_is_writable_again()
    {
        using var register = await MigratedAsync();
        _ = await register.RecordAsync(Assessment("files-folder", "privacy.consent-missing"), Token);

        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var after = Assessment("files-folder", "security.unsigned-artifact");
        _ = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));
        Assert.Contains($"the database file's folder {_folder} is not writable", register.CheckFiles(), StringComparison.Ordinal);

        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _ = await register.RecordAsync(after, Token);
        Assert.Equal(2, (await EventsAtPathAsync()).Count);
    }

    [ImmutableFileFact]
    public async Task An_immutable_database_file_stops_writes_until_the_attribute_is_removed()
    {
        using var register = await MigratedAsync();
        _ = await register.RecordAsync(Assessment("files-immutable", "privacy.consent-missing"), Token);

        Run("chattr", "+i", Database);
        try
        {
            var after = Assessment("files-immutable", "security.unsigned-artifact");
            _ = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));
            Assert.Contains($"the database file {Database} is not writable: it is immutable (chattr +i)", register.CheckFiles(), StringComparison.Ordinal);

            Run("chattr", "-i", Database);
            _ = await register.RecordAsync(after, Token);
        }
        finally
        {
            Run("chattr", "-i", Database);
        }

        Assert.Equal(2, (await EventsAtPathAsync()).Count);
    }

    [ReadOnlyMountFact]
    public async Task A_register_on_a_read_only_file_system_is_not_written_until_the_file_system_is_writable()
    {
        var mount = Path.Combine(_folder, "mount");
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount);
        try
        {
            var database = Path.Combine(mount, "register.db");
            var first = Assessment("files-rofs", "privacy.consent-missing");
            using (var setUp = Register(database))
            {
                await setUp.MigrateAsync(Token);
                _ = await setUp.RecordAsync(first, Token);
            }

            // Linux refuses to make a file system read-only while a file on it is open for writing: the register's
            // connections are closed first, so the file system is read-only before the register below opens the file.
            SqliteConnection.ClearAllPools();
            Run("mount", "-o", "remount,ro", mount);
            using var register = Register(database);
            var after = Assessment("files-rofs", "security.unsigned-artifact");
            _ = await Assert.ThrowsAsync<RegisterFileException>(() => register.RecordAsync(after, Token));
            Assert.Contains($"the database file {database} is not writable: it is on a read-only file system", register.CheckFiles(), StringComparison.Ordinal);

            Run("mount", "-o", "remount,rw", mount);
            _ = await register.RecordAsync(after, Token);
            Assert.Equal([first.EventId, after.EventId], await EventsAsync(database));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Run("umount", "-l", mount);
        }
    }

    [Fact]
    public async Task A_register_without_a_file_of_its_own_has_nothing_to_check()
    {
        using var register = new SqliteRiskRegister("Data Source=files-memory;Mode=Memory;Cache=Shared", ResiliencePipeline.Empty);
        await using var keepAlive = new SqliteConnection("Data Source=files-memory;Mode=Memory;Cache=Shared");
        await keepAlive.OpenAsync();
        await register.MigrateAsync(Token);

        _ = await register.RecordAsync(Assessment("files-memory", "privacy.consent-missing"), Token);
        Assert.Null(register.CheckFiles());
    }

    private static SqliteRiskRegister Register(string database) =>
        new($"Data Source={database}", ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);

    private static async Task<HealthCheckResult> HealthAsync(IRiskRegister register) =>
        await new RiskRegisterHealthCheck(register, new StoreWriteMonitor(TimeProvider.System, NullLogger<StoreWriteMonitor>.Instance))
            .CheckHealthAsync(new HealthCheckContext(), Token);

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        _ = await connection.ExecuteAsync(sql);
    }

    private static async Task<List<string>> TablesAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        return [.. await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;")];
    }

    /// <summary>The events in a register file, read as an auditor would, in the order they were assessed.</summary>
    private static async Task<List<Guid>> EventsAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        return [.. (await connection.QueryAsync<string>("SELECT EventId FROM Assessments ORDER BY rowid;")).Select(Guid.Parse)];
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)}: {process.StandardError.ReadToEnd()}");
    }

    private async Task<SqliteRiskRegister> MigratedAsync()
    {
        var register = Register(Database);
        await register.MigrateAsync(Token);
        return register;
    }

    private Task<List<Guid>> EventsAtPathAsync() => EventsAsync(Database);

    private void DeleteDatabaseFiles()
    {
        foreach (var file in new[] { Database, Database + "-wal", Database + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>Waits for the copy the register saves of the files it still holds; the health description names it.</summary>
    private async Task<string> RescuedCopyAsync(IRiskRegister register)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            _ = register.CheckFiles();
            var copies = Directory.GetFiles(_folder, "register.db.rescued-*").Where(f => !f.EndsWith(".partial", StringComparison.Ordinal)).ToList();
            if (copies.Count == 1 && register.CheckFiles()!.Contains(copies[0], StringComparison.Ordinal))
            {
                return copies[0];
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no rescued copy in {_folder}; the register says: {register.CheckFiles()}");
    }
}

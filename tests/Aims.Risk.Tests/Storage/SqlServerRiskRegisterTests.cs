using Aims.Risk.Core.Storage;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// The contract on SQL Server: a Testcontainers SQL Server when Docker is reachable, or the server named by
/// AIMS_RISK_SQLSERVER; skipped with the reason otherwise. Then what only a server can show: the migration lock,
/// READ_COMMITTED_SNAPSHOT and the SystemId collation.
/// </summary>
[RequiresSqlServer]
public sealed class SqlServerRiskRegisterTests : RiskRegisterContractTests, IClassFixture<SqlServerDatabaseFixture>
{
    private readonly SqlServerDatabaseFixture server;

    public SqlServerRiskRegisterTests(SqlServerDatabaseFixture database)
        : base(database)
    {
        server = database;
    }

    [StorageFact]
    public async Task Migration_turns_read_committed_snapshot_on()
    {
        await using var connection = new SqlConnection(server.ConnectionString);

        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT is_read_committed_snapshot_on FROM sys.databases WHERE database_id = DB_ID();"));
    }

    [StorageFact]
    public async Task Every_system_id_column_is_binary_collated()
    {
        await using var connection = new SqlConnection(server.ConnectionString);

        var collations = (await connection.QueryAsync<(string Table, string Collation)>(
            "SELECT OBJECT_NAME(object_id), collation_name FROM sys.columns WHERE name = N'SystemId' AND OBJECTPROPERTY(object_id, 'IsUserTable') = 1;")).ToList();

        Assert.Contains(collations, c => c.Table == "Assessments");
        Assert.Contains(collations, c => c.Table == "RiskEntries");
        Assert.All(collations, c => Assert.Equal(SchemaScriptTests.SystemIdCollation, c.Collation));
    }

    [StorageFact]
    public async Task The_migration_lock_is_released_after_migration()
    {
        await new SqlServerRiskRegister(server.ConnectionString, SqlResilience.CreatePipeline()).MigrateAsync(CancellationToken.None);
        await using var connection = new SqlConnection(server.ConnectionString);

        // 1: another session could take it now.
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT APPLOCK_TEST(N'public', N'Aims.Risk.Migration', N'Exclusive', N'Session');"));
    }

    [StorageFact]
    public async Task Replicas_migrating_a_new_database_together_apply_each_script_once()
    {
        // Without the session lock both read an empty journal, both run every script and both journal it.
        var connectionString = await server.CreateEmptyDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => new SqlServerRiskRegister(connectionString, SqlResilience.CreatePipeline()).MigrateAsync(CancellationToken.None))));

        await using var connection = new SqlConnection(connectionString);
        var journal = (await connection.QueryAsync<string>("SELECT ScriptName FROM dbo.SchemaVersions;")).ToList();
        Assert.NotEmpty(journal);
        Assert.Equal(journal.Count, journal.Distinct(StringComparer.Ordinal).Count());
    }
}

using System.Data.Common;
using Aims.Risk.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.Tests.Storage;

/// <summary>A real SQLite file in a temporary folder, migrated once for the test class.</summary>
public sealed class SqliteDatabaseFixture : IRegisterDatabase, IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("aims-risk-tests-").FullName;

    public SqliteDatabaseFixture()
    {
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "register.db") }.ToString();
    }

    public string ConnectionString { get; }

    public SqliteRiskRegister CreateSqliteRegister() => new(ConnectionString, SqlResilience.CreatePipeline());

    public IRiskRegister CreateRegister() => CreateSqliteRegister();

    public async Task<DbConnection> OpenAsync()
    {
        var connection = new SqliteConnection(CreateSqliteRegister().ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public object Key(Guid id) => id.ToString();

    public Task InitializeAsync() => CreateRegister().MigrateAsync(CancellationToken.None);

    public Task DisposeAsync()
    {
        // Pooled connections keep the file open; release them before deleting it.
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}

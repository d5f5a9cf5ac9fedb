using System.Data.Common;
using Aims.Risk.Core.Storage;
using Dapper;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// A database of its own on SQL Server for the test class: on the server named by AIMS_RISK_SQLSERVER, or in a
/// Testcontainers SQL Server. Does nothing when neither is available (the tests are skipped then).
/// </summary>
public sealed class SqlServerDatabaseFixture : IRegisterDatabase, IAsyncLifetime
{
    private const string Image = "mcr.microsoft.com/mssql/server:2022-latest";

    private readonly string databaseName = $"AimsRiskTests_{Guid.NewGuid():N}";
    private readonly List<string> moreDatabases = [];
    private MsSqlContainer? container;
    private string? serverConnectionString;

    public string ConnectionString { get; private set; } = "";

    public IRiskRegister CreateRegister() => new SqlServerRiskRegister(ConnectionString, SqlResilience.CreatePipeline());

    public async Task<DbConnection> OpenAsync()
    {
        var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public object Key(Guid id) => id;

    /// <summary>Another empty database on the same server, dropped with the fixture: for tests that migrate from nothing.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = $"AimsRiskTests_{Guid.NewGuid():N}";
        await CreateDatabaseAsync(name);
        moreDatabases.Add(name);
        return new SqlConnectionStringBuilder(serverConnectionString) { InitialCatalog = name }.ConnectionString;
    }

    public async Task InitializeAsync()
    {
        if (SqlServerAvailability.SkipReason is not null)
        {
            return;
        }

        serverConnectionString = SqlServerAvailability.ExistingServer;
        if (serverConnectionString is null)
        {
            container = new MsSqlBuilder(Image).Build();
            await container.StartAsync();
            serverConnectionString = container.GetConnectionString();
        }

        await CreateDatabaseAsync(databaseName);

        ConnectionString = new SqlConnectionStringBuilder(serverConnectionString) { InitialCatalog = databaseName }.ConnectionString;
        await CreateRegister().MigrateAsync(CancellationToken.None);
    }

    private async Task CreateDatabaseAsync(string name)
    {
        await using var server = new SqlConnection(serverConnectionString);

        // CREATE DATABASE takes no parameters: QUOTENAME builds the statement on the server side.
        _ = await server.ExecuteAsync("DECLARE @sql nvarchar(400) = N'CREATE DATABASE ' + QUOTENAME(@Name); EXEC (@sql);", new { Name = name });
    }

    public async Task DisposeAsync()
    {
        if (serverConnectionString is not null && container is null)
        {
            SqlConnection.ClearAllPools();
            await using var server = new SqlConnection(serverConnectionString);
            foreach (var name in moreDatabases.Append(databaseName))
            {
                _ = await server.ExecuteAsync(
                    "DECLARE @sql nvarchar(400) = N'ALTER DATABASE ' + QUOTENAME(@Name) + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ' + QUOTENAME(@Name); EXEC (@sql);",
                    new { Name = name });
            }
        }

        if (container is not null)
        {
            await container.DisposeAsync();
        }
    }
}

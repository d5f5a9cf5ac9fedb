namespace Aims.Risk.Tests.Storage;

/// <summary>
/// The contract on SQL Server: a Testcontainers SQL Server when Docker is reachable, or the server named by
/// AIMS_RISK_SQLSERVER; skipped with the reason otherwise.
/// </summary>
[RequiresSqlServer]
public sealed class SqlServerRiskRegisterTests(SqlServerDatabaseFixture database)
    : RiskRegisterContractTests(database), IClassFixture<SqlServerDatabaseFixture>;

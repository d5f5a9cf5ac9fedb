namespace Aims.Risk.Tests.Storage;

[RequiresSqlServer]
public sealed class SqlServerReassessmentStoreTests(SqlServerDatabaseFixture database)
    : ReassessmentStoreContractTests(database), IClassFixture<SqlServerDatabaseFixture>;

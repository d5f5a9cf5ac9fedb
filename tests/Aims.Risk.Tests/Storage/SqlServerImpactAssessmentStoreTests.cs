namespace Aims.Risk.Tests.Storage;

[RequiresSqlServer]
public sealed class SqlServerImpactAssessmentStoreTests(SqlServerDatabaseFixture database)
    : ImpactAssessmentStoreContractTests(database), IClassFixture<SqlServerDatabaseFixture>;

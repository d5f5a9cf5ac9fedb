namespace Aims.Risk.Tests.Storage;

public sealed class SqliteImpactAssessmentStoreTests(SqliteDatabaseFixture database)
    : ImpactAssessmentStoreContractTests(database), IClassFixture<SqliteDatabaseFixture>;

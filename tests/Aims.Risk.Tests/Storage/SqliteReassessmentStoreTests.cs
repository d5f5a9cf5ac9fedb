namespace Aims.Risk.Tests.Storage;

public sealed class SqliteReassessmentStoreTests(SqliteDatabaseFixture database)
    : ReassessmentStoreContractTests(database), IClassFixture<SqliteDatabaseFixture>;

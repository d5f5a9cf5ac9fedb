namespace Aims.Risk.Tests.Storage;

public sealed class SqliteRuleChangeStoreTests(SqliteDatabaseFixture database)
    : RuleChangeStoreContractTests(database), IClassFixture<SqliteDatabaseFixture>;

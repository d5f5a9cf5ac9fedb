namespace Aims.Risk.Tests.Storage;

[RequiresSqlServer]
public sealed class SqlServerRuleChangeStoreTests(SqlServerDatabaseFixture database)
    : RuleChangeStoreContractTests(database), IClassFixture<SqlServerDatabaseFixture>;

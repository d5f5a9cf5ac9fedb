using System.Reflection;
using Aims.Risk.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// Every statement the SQLite register sends is a constant of its class (a <c>…Sql</c> field), and each one compiles
/// against the migrated schema: SQLite's own parser checks the syntax and that every table and column exists, and
/// the parameters it finds are the ones the register binds.
/// </summary>
public sealed class SqliteStatementTests : IClassFixture<SqliteDatabaseFixture>
{
    private readonly SqliteDatabaseFixture _database;

    public SqliteStatementTests(SqliteDatabaseFixture database) => _database = database;

    public static TheoryData<string> StatementNames()
    {
        var data = new TheoryData<string>();
        foreach (var field in Statements())
        {
            data.Add(field.Name);
        }

        return data;
    }

    [Fact]
    public void The_statements_are_found()
    {
        Assert.True(Statements().Count >= 27, $"only {Statements().Count} statement constants found");
    }

    [Theory]
    [MemberData(nameof(StatementNames))]
    public async Task Statement_compiles_against_the_migrated_schema(string name)
    {
        var sql = (string)Statements().Single(f => f.Name == name).GetRawConstantValue()!;
        await using var connection = (SqliteConnection)await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in Parameters(sql))
        {
            _ = command.Parameters.AddWithValue(parameter, DBNull.Value);
        }

        // Prepare compiles every statement of the text without running it: an unknown table or column, a syntax
        // error or a parameter without a value fails here.
        command.Prepare();
    }

    private static List<FieldInfo> Statements() =>
        [.. typeof(SqliteRiskRegister).GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Sql", StringComparison.Ordinal))];

    private static IEnumerable<string> Parameters(string sql) =>
        System.Text.RegularExpressions.Regex.Matches(sql, @"@\w+").Select(m => m.Value).Distinct(StringComparer.Ordinal);
}

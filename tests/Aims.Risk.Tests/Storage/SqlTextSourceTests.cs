using Microsoft.CodeAnalysis.CSharp;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// No input reaches SQL text, for either store: every value the product sends as SQL text is a compile-time constant
/// (a literal or a <c>const string</c>), checked on the compiler's model of the source rather than on its text, so no
/// spelling, line break or helper method hides a computed string. The statements themselves are parsed by ScriptDom
/// (<see cref="SqlServerScriptTests"/>) and compiled by SQLite against the migrated schema with the parameters the
/// register binds (<see cref="SqliteStatementTests"/>).
/// </summary>
public sealed class SqlTextSourceTests
{
    [Fact]
    public void Every_sql_text_the_product_sends_is_a_compile_time_constant()
    {
        var result = SqlTextCheck.Check(SqlTextCheck.CompileProduct());

        // Both registers, the group commit and the migrations: far more than this, so a check that resolves nothing
        // (Dapper or ADO.NET not found) fails here instead of passing.
        Assert.True(result.Sinks >= 60, $"only {result.Sinks} places that take SQL text were found");
        Assert.True(result.Problems.Count == 0, string.Join(Environment.NewLine, result.Problems));
    }

    [Theory]
    [InlineData("""await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM T WHERE Id = '{id}'"));""")]
    [InlineData("""await connection.ExecuteAsync(new CommandDefinition("DELETE FROM T WHERE Id = '" + id + "'"));""")]
    [InlineData("""await connection.ExecuteAsync(new CommandDefinition(string.Format(Template, id)));""")]
    [InlineData("""await connection.QueryAsync<int>("SELECT 1 WHERE x = " + id);""")]
    [InlineData("""using var command = connection.CreateCommand(); command.CommandText = "SELECT " + id;""")]
    [InlineData("""using var command = new Microsoft.Data.Sqlite.SqliteCommand("SELECT " + id);""")]
    [InlineData("""await Run(connection, "SELECT " + id);""")]
    [InlineData("""await Run(connection, id.Length > 0 ? Constant : id);""")]
    [InlineData("""await connection.ExecuteAsync(new CommandDefinition(id));""")]
    public void The_check_finds_sql_text_built_from_a_value(string statement)
    {
        var result = SqlTextCheck.Check(Snippet(statement));

        Assert.True(result.Sinks >= 1, "the snippet's SQL text was not found");
        Assert.NotEmpty(result.Problems);
    }

    [Theory]
    [InlineData("""await connection.ExecuteAsync(new CommandDefinition("DELETE FROM T WHERE Id = @Id", new { Id = id }));""")]
    [InlineData("""await connection.ExecuteAsync(new CommandDefinition(Constant + " WHERE Id = @Id", new { Id = id }));""")]
    [InlineData("""using var command = connection.CreateCommand(); command.CommandText = Constant;""")]
    [InlineData("""await Run(connection, Constant);""")]
    [InlineData("""await Run(connection, id.Length > 0 ? Constant : Template);""")]
    public void The_check_accepts_constant_sql_text(string statement)
    {
        var result = SqlTextCheck.Check(Snippet(statement));

        Assert.True(result.Sinks >= 1, "the snippet's SQL text was not found");
        Assert.Empty(result.Problems);
    }

    private static Microsoft.CodeAnalysis.Compilation Snippet(string statement) =>
        SqlTextCheck.Compile([CSharpSyntaxTree.ParseText($$"""
            using System.Data.Common;
            using System.Threading.Tasks;
            using Dapper;

            public static class Snippet
            {
                private const string Constant = "SELECT Id FROM T";
                private const string Template = "SELECT Id FROM T WHERE Id = '{0}'";

                public static async Task Statement(DbConnection connection, string id)
                {
                    {{statement}}
                }

                // A helper that passes its parameter on as SQL text: its callers are checked instead.
                private static Task<int> Run(DbConnection connection, string sql) => connection.ExecuteAsync(new CommandDefinition(sql));
            }
            """)]);
}

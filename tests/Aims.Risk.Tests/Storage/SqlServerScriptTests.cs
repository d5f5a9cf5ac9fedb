using System.Reflection;
using Aims.Risk.Core.Storage;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// Every piece of T-SQL the product sends, parsed without a server (SQL Server 2022 grammar), so a syntax
/// error or a parameter missing from its Dapper object is caught here rather than in production.
/// </summary>
public sealed class SqlServerScriptTests
{
    private const string ScriptPrefix = "Aims.Risk.Core.Storage.Scripts.SqlServer.";

    private static readonly Assembly Core = typeof(SqlServerRiskRegister).Assembly;

    public static TheoryData<string> ScriptNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in ScriptResources())
        {
            data.Add(name);
        }

        return data;
    }

    public static TheoryData<string> StatementNames()
    {
        var data = new TheoryData<string>();
        foreach (var field in StatementFields())
        {
            data.Add(field.Name);
        }

        return data;
    }

    [Fact]
    public void The_sql_server_scripts_and_statements_are_all_found()
    {
        Assert.Contains(ScriptPrefix + "0001_initial.sql", ScriptResources());
        Assert.True(StatementFields().Count >= 9, $"expected at least 9 T-SQL statements in SqlServerRiskRegister, found {StatementFields().Count}");
    }

    [Theory]
    [MemberData(nameof(ScriptNames))]
    public void Sql_server_schema_script_parses_without_errors(string resourceName)
    {
        using var stream = Core.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream);

        var fragment = Parse(reader.ReadToEnd(), out var errors);

        Assert.Empty(errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
        var statements = ((TSqlScript)fragment).Batches.SelectMany(b => b.Statements).ToList();
        // At least the schema lock and one change (0007 has three statements): fewer means the parser lost part of the script.
        Assert.True(statements.Count >= 3, $"{resourceName}: only {statements.Count} statements parsed");
    }

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Sql_server_statement_parses_without_errors(string fieldName)
    {
        var sql = Statement(fieldName);

        var fragment = Parse(sql, out var errors);

        Assert.Empty(errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
        Assert.Single(((TSqlScript)fragment).Batches.SelectMany(b => b.Statements));
    }

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Sql_server_statement_parameters_exist_on_its_parameter_type(string fieldName)
    {
        var field = StatementFields().Single(f => f.Name == fieldName);
        var parameterType = field.GetCustomAttribute<SqlParametersAttribute>()?.ParameterType;
        Assert.True(parameterType is not null, $"{fieldName} does not name its parameter type with [SqlParameters]");
        var properties = parameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var parameters = Tokens(Statement(fieldName)).Where(t => t.TokenType == TSqlTokenType.Variable).Select(t => t.Text[1..]).Distinct().ToList();

        Assert.All(parameters, name => Assert.Contains(name, properties));
    }

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Sql_server_statement_takes_values_only_through_parameters(string fieldName)
    {
        var field = StatementFields().Single(f => f.Name == fieldName);
        var sql = Statement(fieldName);

        // A constant cannot hold run-time input; a literal or a placeholder in the text would hint at assembled SQL.
        Assert.True(field.IsLiteral, $"{fieldName} must be a const");
        Assert.DoesNotContain('{', sql);
        Assert.DoesNotContain('}', sql);
        Assert.Empty(Tokens(sql).Where(t => t.TokenType is TSqlTokenType.AsciiStringLiteral or TSqlTokenType.UnicodeStringLiteral).Select(t => t.Text));
    }

    [Fact]
    public void Every_string_constant_of_the_sql_server_register_is_a_checked_statement()
    {
        var unchecked_ = typeof(SqlServerRiskRegister)
            .GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(string) && f.Name.EndsWith("Sql", StringComparison.Ordinal) && !StatementFields().Contains(f))
            .Select(f => f.Name);

        Assert.Empty(unchecked_);
    }

    private static List<string> ScriptResources() =>
        [.. Core.GetManifestResourceNames().Where(n => n.StartsWith(ScriptPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static List<FieldInfo> StatementFields() =>
        [.. typeof(SqlServerRiskRegister)
            .GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.IsAssembly && f.FieldType == typeof(string))
            .OrderBy(f => f.Name, StringComparer.Ordinal)];

    private static string Statement(string fieldName) =>
        (string)StatementFields().Single(f => f.Name == fieldName).GetRawConstantValue()!;

    private static TSqlFragment Parse(string sql, out IList<ParseError> errors)
    {
        using var reader = new StringReader(sql);
        return new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out errors);
    }

    private static IEnumerable<TSqlParserToken> Tokens(string sql)
    {
        var fragment = Parse(sql, out var errors);
        Assert.Empty(errors);
        return fragment.ScriptTokenStream;
    }
}

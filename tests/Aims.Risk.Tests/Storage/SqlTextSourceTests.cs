using System.Text.RegularExpressions;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// No input reaches SQL text, for either store: every command the product sends is built from a constant (a
/// literal, or a <c>const string</c> of the same file) with values bound as parameters. The SQL Server statements
/// are also parsed by ScriptDom in <see cref="SqlServerScriptTests"/>; this reads the source of both registers.
/// </summary>
public sealed partial class SqlTextSourceTests
{
    private static readonly string Source = Path.Combine(RepositoryRoot.Path, "src");

    [GeneratedRegex(@"new\s+CommandDefinition\s*\(")]
    private static partial Regex CommandStart();

    /// <summary>The SQLite group commit prepares its commands through one helper: <c>Command(connection, transaction, sql, ...)</c>.</summary>
    [GeneratedRegex(@"(?<!SqliteCommand\s)\bCommand\(\s*connection\s*,\s*transaction\s*,\s*")]
    private static partial Regex PreparedCommandStart();

    [GeneratedRegex(@"private static SqliteCommand Command\(SqliteConnection connection, SqliteTransaction transaction, string sql[^)]*\)\s*\{(?<body>.*?)return command;", RegexOptions.Singleline)]
    private static partial Regex PreparedCommandHelper();

    [GeneratedRegex(@"\bconst\s+string\s+(\w+)\s*=")]
    private static partial Regex ConstString();

    [GeneratedRegex(@"\b[A-Za-z_]\w*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\.CommandText\b|\bCreateCommand\s*\(|\b(Execute|ExecuteScalar|Query|QuerySingle|QuerySingleOrDefault|QueryFirstOrDefault)(Async)?(<[^>]*>)?\s*\(\s*(\$|[a-z]\w*\s*\+)")]
    private static partial Regex OtherCommandRoute();

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "is", "null", "not", "transaction", "true", "false" };

    public static TheoryData<string> SourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            data.Add(Path.GetRelativePath(Source, file));
        }

        return data;
    }

    [Fact]
    public void Both_registers_send_commands_through_command_definitions()
    {
        foreach (var register in new[] { "SqliteRiskRegister.cs", "SqlServerRiskRegister.cs" })
        {
            var text = File.ReadAllText(Path.Combine(Source, "Aims.Risk.Core", "Storage", register));
            Assert.True(CommandStart().Count(text) >= 5, $"{register}: expected its commands as CommandDefinitions");
        }
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void Sql_text_is_a_constant(string file)
    {
        var text = File.ReadAllText(Path.Combine(Source, file));

        // A partial class's constants may live in its other files (Name.cs, Name.Part.cs).
        var type = Path.GetFileName(file).Split('.')[0];
        var parts = Directory.EnumerateFiles(Path.GetDirectoryName(Path.Combine(Source, file))!, $"{type}*.cs")
            .Where(f => Path.GetFileName(f) == $"{type}.cs" || Path.GetFileName(f).StartsWith($"{type}.", StringComparison.Ordinal));
        var constants = parts.SelectMany(f => ConstString().Matches(File.ReadAllText(f))).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (Match start in CommandStart().Matches(text).Concat(PreparedCommandStart().Matches(text)))
        {
            var argument = FirstArgument(text, start.Index + start.Length);
            if (argument.TrimStart().StartsWith('"'))
            {
                if (argument.Contains('{', StringComparison.Ordinal) || argument.Contains('+', StringComparison.Ordinal))
                {
                    problems.Add($"a literal with a placeholder or concatenation: {argument.Trim()}");
                }

                continue;
            }

            if (argument.Contains('$', StringComparison.Ordinal) || argument.Contains('+', StringComparison.Ordinal) || argument.Contains('.', StringComparison.Ordinal))
            {
                problems.Add($"SQL text that is computed: {argument.Trim()}");
                continue;
            }

            foreach (var name in Identifier().Matches(argument).Select(m => m.Value).Where(n => !Keywords.Contains(n)))
            {
                if (!constants.Contains(name))
                {
                    problems.Add($"SQL text from '{name}', which is not a const string of this file");
                }
            }
        }

        // The helper's own CreateCommand and CommandText = sql are allowed: every call of it is checked above.
        var helper = PreparedCommandHelper().Match(text) is { Success: true } h ? h.Groups["body"] : null;
        problems.AddRange(OtherCommandRoute().Matches(text)
            .Where(m => helper is null || m.Index < helper.Index || m.Index >= helper.Index + helper.Length)
            .Select(m => $"a command built another way: {m.Value}"));
        Assert.True(problems.Count == 0, $"{file}: {string.Join("; ", problems)}");
    }

    [Theory]
    [InlineData("new CommandDefinition($\"SELECT * FROM T WHERE Id = '{id}'\", cancellationToken: ct)")]
    [InlineData("new CommandDefinition(\"SELECT * FROM T WHERE Id = '\" + id + \"'\", cancellationToken: ct)")]
    [InlineData("var sql = BuildSql(); new CommandDefinition(sql, cancellationToken: ct)")]
    [InlineData("new CommandDefinition(string.Format(Template, id), cancellationToken: ct)")]
    public void Check_catches_sql_built_from_values(string code)
    {
        var constants = ConstString().Matches(code).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var start = CommandStart().Match(code);
        var argument = FirstArgument(code, start.Index + start.Length).Trim();

        var computed = argument.StartsWith('$') || argument.Contains('+', StringComparison.Ordinal) || argument.Contains('.', StringComparison.Ordinal)
            || (argument.StartsWith('"') && argument.Contains('{', StringComparison.Ordinal))
            || Identifier().Matches(argument).Any(m => !Keywords.Contains(m.Value) && !constants.Contains(m.Value) && !argument.StartsWith('"'));

        Assert.True(computed, argument);
    }

    /// <summary>The text of the first argument: up to the first comma or closing parenthesis outside brackets and strings.</summary>
    private static string FirstArgument(string text, int from)
    {
        var depth = 0;
        var inString = false;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"' && (i == 0 || text[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (!inString && c is ')' or ']' or '}')
            {
                if (depth-- == 0)
                {
                    return text[from..i];
                }
            }
            else if (!inString && depth == 0 && c == ',')
            {
                return text[from..i];
            }
        }

        return text[from..];
    }
}

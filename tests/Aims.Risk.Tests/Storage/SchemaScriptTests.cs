using Aims.Risk.Core.Storage;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Polly;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// What the schema scripts leave behind, read without a server: the indexes both dialects end with (one per query
/// the registers run), SQL Server's SystemId collation, and every SQL Server DDL statement guarded so a re-run is
/// harmless.
/// </summary>
public sealed class SchemaScriptTests : IDisposable
{
    /// <summary>The collation of every SystemId column on SQL Server: binary, as SQLite compares text.</summary>
    public const string SystemIdCollation = "Latin1_General_100_BIN2";

    private const string ScriptPrefix = "Aims.Risk.Core.Storage.Scripts.SqlServer.";

    // The tables of 0001 and their indexes: the register query's three orders (by system, by minimum level, by
    // nothing), and a risk's entries (newest first, and those without a risk yet, at migration); look-ups by event
    // and by key use the primary keys and UQ_RiskEntries_EventId_RuleId. A new index on these tables joins this list
    // with the query that needs it.
    private static readonly string[] Tables = ["Assessments", "RiskEntries", "RuleSetVersions"];

    private static readonly string[] ExpectedIndexes =
        ["IX_RiskEntries_CreatedAt", "IX_RiskEntries_LevelRank", "IX_RiskEntries_RiskId", "IX_RiskEntries_SystemId_CreatedAt"];

    private readonly string folder = Directory.CreateTempSubdirectory("aims-risk-schema-").FullName;

    [Fact]
    public void Sql_server_ends_with_an_index_per_query_and_no_other()
    {
        var indexes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var statement in Statements())
        {
            switch (statement)
            {
                case CreateIndexStatement create when Tables.Contains(create.OnName.BaseIdentifier.Value):
                    _ = indexes.Add(create.Name.Value);
                    break;
                case DropIndexStatement drop:
                    indexes.ExceptWith(drop.DropIndexClauses.OfType<DropIndexClause>().Select(c => c.Index.Value));
                    break;
            }
        }

        Assert.Equal(ExpectedIndexes, indexes);
    }

    [Fact]
    public async Task Sqlite_ends_with_the_same_indexes_as_sql_server()
    {
        var connectionString = $"Data Source={Path.Combine(folder, "register.db")}";
        await new SqliteRiskRegister(connectionString, ResiliencePipeline.Empty).MigrateAsync(CancellationToken.None);

        await using var connection = new SqliteConnection(connectionString);
        var indexes = await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'IX!_%' ESCAPE '!' AND tbl_name IN @Tables ORDER BY name;", new { Tables });

        Assert.Equal(ExpectedIndexes, indexes);
    }

    [Fact]
    public void Every_sql_server_system_id_column_ends_binary_collated()
    {
        var collations = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var statement in Statements())
        {
            switch (statement)
            {
                case CreateTableStatement create:
                    foreach (var column in create.Definition.ColumnDefinitions.Where(c => c.ColumnIdentifier.Value == "SystemId"))
                    {
                        collations[create.SchemaObjectName.BaseIdentifier.Value] = column.Collation?.Value;
                    }

                    break;
                case AlterTableAlterColumnStatement alter when alter.ColumnIdentifier.Value == "SystemId":
                    collations[alter.SchemaObjectName.BaseIdentifier.Value] = alter.Collation?.Value;
                    break;
            }
        }

        Assert.Contains("Assessments", collations.Keys);
        Assert.Contains("RiskEntries", collations.Keys);
        Assert.All(collations, c => Assert.True(c.Value == SystemIdCollation, $"{c.Key}.SystemId ends with collation {c.Value ?? "(the database default)"}"));
    }

    [Fact]
    public void Every_sql_server_schema_change_is_guarded_so_a_rerun_is_harmless()
    {
        var unguarded = new List<string>();
        foreach (var (script, fragment) in Scripts())
        {
            var visitor = new GuardVisitor();
            fragment.Accept(visitor);
            unguarded.AddRange(visitor.Unguarded.Select(s => $"{script}:{s.StartLine}: {s.GetType().Name}"));
        }

        Assert.Empty(unguarded);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Every statement of every script, nested ones included, in the order they run.</summary>
    private static List<TSqlStatement> Statements()
    {
        var all = new List<TSqlStatement>();
        foreach (var (_, fragment) in Scripts())
        {
            var visitor = new StatementVisitor();
            fragment.Accept(visitor);
            all.AddRange(visitor.Statements);
        }

        return all;
    }

    private static IEnumerable<(string Name, TSqlFragment Fragment)> Scripts()
    {
        var core = typeof(SqlServerRiskRegister).Assembly;
        foreach (var name in core.GetManifestResourceNames().Where(n => n.StartsWith(ScriptPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(core.GetManifestResourceStream(name)!);
            var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
            Assert.Empty(errors);
            yield return (name[ScriptPrefix.Length..], fragment);
        }
    }

    private sealed class StatementVisitor : TSqlFragmentVisitor
    {
        public List<TSqlStatement> Statements { get; } = [];

        public override void Visit(TSqlStatement node)
        {
            Statements.Add(node);
            base.Visit(node);
        }
    }

    /// <summary>DDL that is not inside an IF: it would fail, or do its work twice, when the script runs again.</summary>
    private sealed class GuardVisitor : TSqlFragmentVisitor
    {
        private int depth;

        public List<TSqlStatement> Unguarded { get; } = [];

        public override void ExplicitVisit(IfStatement node)
        {
            depth++;
            base.ExplicitVisit(node);
            depth--;
        }

        public override void Visit(TSqlStatement node)
        {
            if (depth == 0 && node is CreateTableStatement or CreateIndexStatement or DropIndexStatement or AlterTableStatement or DropTableStatement
                or CreateViewStatement or CreateProcedureStatement or AlterDatabaseStatement)
            {
                Unguarded.Add(node);
            }

            base.Visit(node);
        }
    }
}

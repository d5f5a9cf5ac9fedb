using System.Reflection;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// The widths in <see cref="ColumnLimits"/> are the widths of the SQL Server scripts' columns, and what enters the
/// register is checked against them before it reaches an insert.
/// </summary>
public sealed class ColumnLimitsTests
{
    private const string ScriptPrefix = "Aims.Risk.Core.Storage.Scripts.SqlServer.";

    // Columns whose limit has another name: RuleSetVersions.Version holds the rule set's version, Hash its hash; a
    // residual level is a level, a transition's statuses are statuses, whoever submits or approves an impact assessment
    // is an actor. Any other column needs its own constant.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["Version"] = nameof(ColumnLimits.RuleSetVersion),
        ["Hash"] = nameof(ColumnLimits.RuleSetHash),
        ["ResidualLevel"] = nameof(ColumnLimits.Level),
        ["FromStatus"] = nameof(ColumnLimits.Status),
        ["ToStatus"] = nameof(ColumnLimits.Status),
        ["AcceptedBy"] = nameof(ColumnLimits.Actor),
        ["SubmittedBy"] = nameof(ColumnLimits.Actor),
        ["ApprovedBy"] = nameof(ColumnLimits.Actor),
        ["Reassessments.Reason"] = nameof(ColumnLimits.RunReason),
    };

    /// <summary>The limit a column is held to: by table and column where names repeat with other meanings, else by column.</summary>
    private static string LimitOf(string table, string column) =>
        Aliases.GetValueOrDefault($"{table}.{column}") ?? Aliases.GetValueOrDefault(column, column);

    private static readonly Dictionary<string, int> Limits = typeof(ColumnLimits)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!, StringComparer.Ordinal);

    [Fact]
    public void Every_bounded_text_column_of_the_sql_server_scripts_has_the_width_of_its_limit()
    {
        var columns = BoundedTextColumns().ToList();

        var wrong = columns
            .Where(c => !Limits.TryGetValue(LimitOf(c.Table, c.Column), out var limit) || limit != c.Width)
            .Select(c => $"{c.Script}: {c.Table}.{c.Column} is {c.Width} wide; ColumnLimits.{LimitOf(c.Table, c.Column)} is {(Limits.TryGetValue(LimitOf(c.Table, c.Column), out var l) ? l : "missing")}");

        Assert.True(columns.Count >= 16, $"only {columns.Count} bounded text columns found in the scripts");
        Assert.Empty(wrong);
    }

    [Fact]
    public void Every_limit_is_the_width_of_a_column()
    {
        var used = BoundedTextColumns().Select(c => LimitOf(c.Table, c.Column)).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(Limits.Keys, name => !used.Contains(name));
    }

    [Fact]
    public void The_names_of_stored_enum_values_fit_their_columns()
    {
        Assert.All(Enum.GetNames<RiskLevel>(), name => Assert.InRange(name.Length, 1, ColumnLimits.Level));
        Assert.All(Enum.GetNames<Treatment>(), name => Assert.InRange(name.Length, 1, ColumnLimits.Treatment));
        Assert.All(Enum.GetNames<RiskEntryStatus>(), name => Assert.InRange(name.Length, 1, ColumnLimits.Status));
        Assert.All(Enum.GetNames<ChangeType>(), name => Assert.InRange(name.Length, 1, ColumnLimits.ChangeType));
        Assert.All(RuleSetLoader.Categories, name => Assert.InRange(name.Length, 1, ColumnLimits.Category));
    }

    [Fact]
    public void Every_annex_a_control_of_one_rule_fits_the_controls_column()
    {
        // A rule lists each known control at most once: all of them is the longest list.
        Assert.InRange(string.Join(',', ReferenceData.AnnexAControls).Length, 1, ColumnLimits.Controls);
    }

    [Fact]
    public void Every_nist_id_of_one_rule_fits_the_nist_column_and_every_mit_domain_its_own()
    {
        Assert.InRange(string.Join(',', ReferenceData.NistAiRmf).Length, 1, ColumnLimits.Nist);
        Assert.All(ReferenceData.MitAiRiskDomains, id => Assert.InRange(id.Length, 1, ColumnLimits.MitDomain));
    }

    [Fact]
    public void The_event_validator_refuses_a_system_id_or_owner_wider_than_its_column()
    {
        var system = SampleEvents.Change().System;
        var longId = SampleEvents.Change() with { System = system with { Id = new string('s', ColumnLimits.SystemId + 1) } };
        var longOwner = SampleEvents.Change() with { System = system with { Owner = new string('o', ColumnLimits.Owner + 1) } };

        Assert.Contains(AiSystemChangedValidator.Validate(longId, SampleEvents.Now), p => p.StartsWith("system.id:", StringComparison.Ordinal));
        Assert.Contains(AiSystemChangedValidator.Validate(longOwner, SampleEvents.Now), p => p.StartsWith("system.owner:", StringComparison.Ordinal));
    }

    private static IEnumerable<(string Script, string Table, string Column, int Width)> BoundedTextColumns()
    {
        var core = typeof(ColumnLimits).Assembly;
        foreach (var name in core.GetManifestResourceNames().Where(n => n.StartsWith(ScriptPrefix, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(core.GetManifestResourceStream(name)!);
            var script = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
            Assert.Empty(errors);
            var visitor = new ColumnVisitor();
            script.Accept(visitor);
            foreach (var (table, column, width) in visitor.Columns)
            {
                yield return (name[ScriptPrefix.Length..], table, column, width);
            }
        }
    }

    /// <summary>Text columns with a length (not <c>max</c>) in CREATE TABLE and ALTER TABLE ... ALTER COLUMN.</summary>
    private sealed class ColumnVisitor : TSqlFragmentVisitor
    {
        public List<(string Table, string Column, int Width)> Columns { get; } = [];

        public override void ExplicitVisit(CreateTableStatement node)
        {
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                Add(node.SchemaObjectName, column.ColumnIdentifier, column.DataType);
            }

            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(AlterTableAddTableElementStatement node)
        {
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                Add(node.SchemaObjectName, column.ColumnIdentifier, column.DataType);
            }

            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(AlterTableAlterColumnStatement node)
        {
            if (node.DataType is not null)
            {
                Add(node.SchemaObjectName, node.ColumnIdentifier, node.DataType);
            }

            base.ExplicitVisit(node);
        }

        private void Add(SchemaObjectName table, Identifier column, DataTypeReference type)
        {
            if (type is SqlDataTypeReference { SqlDataTypeOption: SqlDataTypeOption.NVarChar or SqlDataTypeOption.VarChar or SqlDataTypeOption.NChar or SqlDataTypeOption.Char } text
                && text.Parameters is [Literal { LiteralType: LiteralType.Integer } width])
            {
                Columns.Add((table.BaseIdentifier.Value, column.Value, int.Parse(width.Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
    }
}

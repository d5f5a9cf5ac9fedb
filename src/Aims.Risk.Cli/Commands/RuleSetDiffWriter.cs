using System.Globalization;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.RuleChanges;

namespace Aims.Risk.Cli.Commands;

/// <summary>The report of <c>rules diff</c> as a text table, JSON, or Markdown for a pull-request comment.</summary>
internal static class RuleSetDiffWriter
{
    private static readonly JsonSerializerOptions JsonOutput = new(ContractJson.Options) { WriteIndented = true };

    public static void Write(TextWriter output, string format, RegisterDiffReport report)
    {
        switch (format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(Json(report), JsonOutput));
                break;
            case "md":
                WriteMarkdown(output, report);
                break;
            default:
                WriteTable(output, report);
                break;
        }
    }

    private static string Heading(RegisterDiffReport r) =>
        $"{r.ActiveVersion} (sha256 {r.ActiveHash[..12]}) -> {r.CandidateVersion} (sha256 {r.CandidateHash[..12]}): "
        + $"{r.Systems} system(s) re-evaluated, {r.Changed.Count(s => s.Changes.Count > 0)} would change";

    private static string Kind(RiskChangeKind kind) => kind switch
    {
        RiskChangeKind.Opens => "opens",
        RiskChangeKind.Resolves => "resolves",
        RiskChangeKind.LevelChanges => "level",
        RiskChangeKind.TreatmentChanges => "treatment",
        _ => "no longer fires (stays open)",
    };

    private static string From(RiskChange c) => c.FromLevel is { } level ? $"{level} ({c.FromTreatment})" : "-";

    private static string To(RiskChange c) => c.ToLevel is { } level ? $"{level} ({c.ToTreatment})" : c.Kind == RiskChangeKind.Resolves ? "resolved" : "-";

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void WriteTable(TextWriter output, RegisterDiffReport report)
    {
        output.WriteLine(Heading(report));
        var changes = report.Changes.ToList();
        if (changes.Count > 0)
        {
            output.WriteLine();
            TextTable.Write(output, ["SYSTEM", "RULE", "CATEGORY", "CHANGE", "FROM", "TO"], changes.Select(c => new[] { c.SystemId, c.RuleId, c.Category, Kind(c.Kind), From(c), To(c) }));
            output.WriteLine();
            output.WriteLine("totals");
            TextTable.Write(output, ["CHANGE", "CATEGORY", "LEVEL", "RISKS"], report.Totals.Select(t => new[] { Kind(t.Kind), t.Category, t.Level.ToString(), Count(t.Count) }));
            output.WriteLine();
            output.WriteLine("rules responsible");
            TextTable.Write(output, ["RULE", "CHANGE", "SYSTEMS"], report.Rules.Select(r => new[] { r.RuleId, Kind(r.Kind), Count(r.Systems) }));
        }

        foreach (var system in report.Changed.Where(s => s.CandidateErrors.Count > 0))
        {
            foreach (var error in system.CandidateErrors)
            {
                output.WriteLine($"evaluation error: system {system.SystemId}, rule {error.RuleId}: {error.Message}");
            }
        }
    }

    private static void WriteMarkdown(TextWriter output, RegisterDiffReport report)
    {
        output.WriteLine($"### Rule set diff: {Heading(report)}");
        output.WriteLine();
        var changes = report.Changes.ToList();
        if (changes.Count == 0)
        {
            output.WriteLine("No risk would open, resolve or change.");
        }
        else
        {
            output.WriteLine("| change | category | level | risks |");
            output.WriteLine("|---|---|---|---:|");
            foreach (var t in report.Totals)
            {
                output.WriteLine($"| {Kind(t.Kind)} | {t.Category} | {t.Level} | {Count(t.Count)} |");
            }

            output.WriteLine();
            output.WriteLine("| rule | change | systems |");
            output.WriteLine("|---|---|---:|");
            foreach (var r in report.Rules)
            {
                output.WriteLine($"| `{r.RuleId}` | {Kind(r.Kind)} | {Count(r.Systems)} |");
            }

            output.WriteLine();
            output.WriteLine("<details><summary>Per system</summary>");
            output.WriteLine();
            output.WriteLine("| system | rule | change | from | to |");
            output.WriteLine("|---|---|---|---|---|");
            foreach (var c in changes)
            {
                output.WriteLine($"| {Cell(c.SystemId)} | `{c.RuleId}` | {Kind(c.Kind)} | {From(c)} | {To(c)} |");
            }

            output.WriteLine();
            output.WriteLine("</details>");
        }

        var errors = report.Changed.SelectMany(s => s.CandidateErrors.Select(e => (s.SystemId, e))).ToList();
        if (errors.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"**{Count(errors.Count)} evaluation error(s) in the candidate** (counted as not fired):");
            foreach (var (systemId, error) in errors)
            {
                output.WriteLine($"- {Cell(systemId)}: `{error.RuleId}`: {Cell(error.Message)}");
            }
        }
    }

    /// <summary>System ids and messages come from publishers: a pipe or a line break would break the table.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');

    private static object Json(RegisterDiffReport report) => new
    {
        active = new { version = report.ActiveVersion, hash = report.ActiveHash },
        candidate = new { version = report.CandidateVersion, hash = report.CandidateHash },
        systems = report.Systems,
        changedSystems = report.Changed.Count(s => s.Changes.Count > 0),
        changes = report.Changes.Select(c => new
        {
            c.SystemId,
            c.RuleId,
            c.Category,
            change = c.Kind.ToString(),
            fromLevel = c.FromLevel?.ToString(),
            toLevel = c.ToLevel?.ToString(),
            fromTreatment = c.FromTreatment?.ToString(),
            toTreatment = c.ToTreatment?.ToString(),
        }),
        totals = report.Totals.Select(t => new { change = t.Kind.ToString(), category = t.Category, level = t.Level.ToString(), risks = t.Count }),
        rules = report.Rules.Select(r => new { ruleId = r.RuleId, change = r.Kind.ToString(), systems = r.Systems }),
        errors = report.Changed.SelectMany(s => s.CandidateErrors.Select(e => new { systemId = s.SystemId, ruleId = e.RuleId, message = e.Message })),
    };
}

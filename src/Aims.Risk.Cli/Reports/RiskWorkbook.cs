using Aims.Risk.Contracts;
using Aims.Risk.Core.Reports;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Aims.Risk.Cli.Reports;

/// <summary>
/// The report as an XLSX workbook: Methodology (criteria, grid, threshold, rule set), Inherent matrix, Residual matrix,
/// Risks (one row per risk, filters on), History (every transition) and SoA. Unlike the HTML page it lists every risk.
/// </summary>
internal static class RiskWorkbook
{
    public static readonly string[] SheetNames = ["Methodology", "Inherent matrix", "Residual matrix", "Risks", "History", "SoA"];

    public static readonly string[] RiskColumns =
    [
        "Risk id", "System", "Rule", "Category", "Title", "Status", "Likelihood", "Impact", "Score", "Level",
        "Residual likelihood", "Residual impact", "Residual level", "Owner", "Due by", "Overdue", "Accepted by", "Accepted until",
        "Controls", "First seen", "Last seen", "Rule-set version",
    ];

    public static readonly string[] HistoryColumns =
        ["Risk id", "System", "Rule", "At", "From", "To", "Actor", "Reason", "Level", "Residual level", "Event id", "Update id", "Task id"];

    public static readonly string[] SoaColumns = ["Control", "Title", "Applicable", "Implementation", "Open risks needing it", "Justification"];

    /// <summary>Writes the workbook; <paramref name="history"/> is the transitions of the report's risks, in any order.</summary>
    public static void Write(RiskReport report, IReadOnlyList<RiskHistoryRecord> history, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(history);
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        workbookPart.AddNewPart<WorkbookStylesPart>().Stylesheet = WorkbookStyles.Create();
        var strings = new SharedStrings();
        var sheets = new Sheets();
        var filters = new DefinedNames();
        var writers = new Action<SheetWriter>[]
        {
            w => Methodology(w, report),
            w => Matrix(w, report.Inherent, "Inherent", report.OpenCount),
            w => Matrix(w, report.Residual, "Residual", report.OpenCount),
            w => Risks(w, report),
            w => History(w, report, history),
            w => Soa(w, report),
        };
        double[][] widths =
        [
            [34, 24, 12, 12, 12, 12],
            [20, 12, 12, 12, 12, 12, 4, 80],
            [20, 12, 12, 12, 12, 12, 4, 80],
            [38, 22, 12, 12, 50, 18, 10, 8, 7, 9, 10, 9, 10, 28, 12, 9, 28, 14, 24, 17, 17, 12],
            [38, 22, 12, 17, 18, 18, 28, 60, 9, 10, 38, 38, 38],
            [9, 50, 11, 40, 11, 100],
        ];
        for (var i = 0; i < SheetNames.Length; i++)
        {
            var part = workbookPart.AddNewPart<WorksheetPart>();
            var tabular = i >= 3;
            using var writer = new SheetWriter(part, strings, widths[i], freezeHeader: tabular);
            writers[i](writer);
            writer.End(autoFilter: tabular);
            if (tabular)
            {
                // Excel keeps a filter's range in this hidden name as well as in the sheet.
                filters.Append(new DefinedName($"'{SheetNames[i]}'!$A$1:${SheetWriter.Column(writer.Width - 1)}${writer.RowCount}")
                {
                    Name = "_xlnm._FilterDatabase", LocalSheetId = (uint)i, Hidden = true,
                });
            }

            sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = (uint)i + 1, Name = SheetNames[i] });
        }

        strings.Save(workbookPart.AddNewPart<SharedStringTablePart>());
        workbookPart.Workbook = new Workbook(sheets, filters);
        workbookPart.Workbook.Save();
    }

    private static void Methodology(SheetWriter w, RiskReport report)
    {
        var criteria = report.Criteria;
        w.Row(SheetCell.Of("AI risk report: register, criteria and method (ISO/IEC 42001 6.1.2, 6.1.3)", WorkbookStyles.Bold));
        w.Row();
        Pair(w, "Scope", report.SystemId is { } id ? $"AI system {id}" : "all AI systems");
        w.Row(SheetCell.Of("Generated (UTC)", WorkbookStyles.Bold), SheetCell.Of(report.GeneratedAt));
        Pair(w, "Rule set", report.RuleSetName);
        Pair(w, "Rule-set version", report.RuleSetVersion);
        Pair(w, "Rule-set SHA-256", report.RuleSetHash);
        Pair(w, "Acceptance threshold", criteria.AcceptanceThreshold.ToString());
        w.Row(SheetCell.Of("Longest acceptance (days)", WorkbookStyles.Bold), SheetCell.Of(criteria.MaxAcceptanceDays));
        w.Row(SheetCell.Of("Risks", WorkbookStyles.Bold), SheetCell.Of(report.RiskCount));
        w.Row(SheetCell.Of("Open risks", WorkbookStyles.Bold), SheetCell.Of(report.OpenCount));
        Pair(w, "Method", "A finding's level is read from the grid below by its likelihood and impact (1-5 each; score = likelihood × impact). At or above the acceptance threshold a risk requires treatment and gets a due date; below it, it is tolerated.");
        Pair(w, "Inherent and residual", "Inherent: the likelihood and impact of the latest finding. Residual: what the owner recorded after treatment (Mitigated). The matrices count open risks (every status but Resolved).");
        w.Row();
        w.Row(SheetCell.Of("Level by likelihood (rows) and impact (columns)", WorkbookStyles.Bold));
        GridHeader(w);
        for (var likelihood = RiskCriteria.Scale; likelihood >= 1; likelihood--)
        {
            var l = likelihood;
            w.Row([SheetCell.Of(l, WorkbookStyles.Header), .. Enumerable.Range(1, RiskCriteria.Scale).Select(i => Level(criteria.LevelOf(l, i)))]);
        }

        w.Row();
        w.Row(SheetCell.Header("Level"), SheetCell.Header("Treatment"), SheetCell.Header("Due within (days)"));
        foreach (var level in Enum.GetValues<RiskLevel>())
        {
            w.Row(Level(level), SheetCell.Of(criteria.RequiresTreatment(level) ? "required" : "tolerated"), SheetCell.Of(criteria.DueDays(level)));
        }

        w.Row();
        w.Row(SheetCell.Of("Rule-set versions that last assessed these risks", WorkbookStyles.Bold));
        w.Row(SheetCell.Header("Version"), SheetCell.Header("SHA-256"), SheetCell.Header("Risks"));
        foreach (var use in report.AssessedUnder)
        {
            w.Row(SheetCell.Of(use.Version), SheetCell.Of(use.Hash), SheetCell.Of(use.Risks));
        }
    }

    /// <summary>
    /// Counts in A1:F6 (likelihood 5 at the top), coloured by level; the level names of the same cells below them, so
    /// colour is not the only signal; then one row per cell with the ids of its risks.
    /// </summary>
    private static void Matrix(SheetWriter w, HeatMap map, string name, int open)
    {
        GridHeader(w);
        for (var likelihood = RiskCriteria.Scale; likelihood >= 1; likelihood--)
        {
            var l = likelihood;
            w.Row([SheetCell.Of(l, WorkbookStyles.Header), .. Enumerable.Range(1, RiskCriteria.Scale).Select(i => SheetCell.Of(map[l, i].Count, WorkbookStyles.Of(map[l, i].Level)))]);
        }

        w.Row(SheetCell.Of(name == "Inherent"
            ? $"{map.Total} open risks by likelihood and impact."
            : $"{map.Total} of {open} open risks have a residual likelihood and impact; the others are not on this matrix."));
        w.Row();
        w.Row(SheetCell.Of("Level of each cell", WorkbookStyles.Bold));
        GridHeader(w);
        for (var likelihood = RiskCriteria.Scale; likelihood >= 1; likelihood--)
        {
            var l = likelihood;
            w.Row([SheetCell.Of(l, WorkbookStyles.Header), .. Enumerable.Range(1, RiskCriteria.Scale).Select(i => Level(map[l, i].Level))]);
        }

        w.Row();
        w.Row(SheetCell.Header("Likelihood"), SheetCell.Header("Impact"), SheetCell.Header("Level"), SheetCell.Header("Risks"), SheetCell.Empty, SheetCell.Empty, SheetCell.Empty, SheetCell.Header("Risk ids"));
        foreach (var cell in map.Cells)
        {
            w.Row(SheetCell.Of(cell.Likelihood), SheetCell.Of(cell.Impact), Level(cell.Level), SheetCell.Of(cell.Count), SheetCell.Empty, SheetCell.Empty, SheetCell.Empty,
                SheetCell.Of(string.Join(", ", cell.RiskIds)));
        }
    }

    private static void Risks(SheetWriter w, RiskReport report)
    {
        w.Row([.. RiskColumns.Select(SheetCell.Header)]);
        var now = report.GeneratedAt;
        foreach (var r in report.Risks)
        {
            var overdue = r.Status is RiskStatus.TreatmentRequested or RiskStatus.InTreatment && r.DueBy < now;
            w.Row(
                SheetCell.Of(r.RiskId.ToString()), SheetCell.Of(r.SystemId), SheetCell.Of(r.RuleId), SheetCell.Of(r.Category), SheetCell.Of(r.Title),
                SheetCell.Of(r.Status.ToString()), SheetCell.Of(r.Likelihood), SheetCell.Of(r.Impact), SheetCell.Of(r.Score), Level(r.Level),
                SheetCell.Of(r.ResidualLikelihood), SheetCell.Of(r.ResidualImpact), r.ResidualLevel is { } rl ? Level(rl) : SheetCell.Empty,
                SheetCell.Of(r.Owner), SheetCell.Of(r.DueBy, WorkbookStyles.Date), SheetCell.Of(overdue ? "yes" : "no"), SheetCell.Of(r.AcceptedBy),
                SheetCell.Of(r.AcceptedUntil, WorkbookStyles.Date), SheetCell.Of(string.Join(", ", r.Controls)), SheetCell.Of(r.FirstSeenAt), SheetCell.Of(r.LastSeenAt),
                SheetCell.Of(r.RuleSetVersion));
        }
    }

    private static void History(SheetWriter w, RiskReport report, IReadOnlyList<RiskHistoryRecord> history)
    {
        w.Row([.. HistoryColumns.Select(SheetCell.Header)]);
        var risks = report.Risks.ToDictionary(r => r.RiskId);
        foreach (var h in history.Where(h => risks.ContainsKey(h.RiskId)).OrderBy(h => risks[h.RiskId].SystemId, StringComparer.Ordinal)
                     .ThenBy(h => risks[h.RiskId].RuleId, StringComparer.Ordinal).ThenBy(h => h.At).ThenBy(h => h.ChangeId))
        {
            var r = risks[h.RiskId];
            w.Row(
                SheetCell.Of(h.RiskId.ToString()), SheetCell.Of(r.SystemId), SheetCell.Of(r.RuleId), SheetCell.Of(h.At), SheetCell.Of(h.FromStatus?.ToString()),
                SheetCell.Of(h.ToStatus.ToString()), SheetCell.Of(h.Actor), SheetCell.Of(h.Reason), Level(h.Level), h.ResidualLevel is { } rl ? Level(rl) : SheetCell.Empty,
                SheetCell.Of(h.EventId?.ToString()), SheetCell.Of(h.UpdateId?.ToString()), SheetCell.Of(h.TaskId?.ToString()));
        }
    }

    private static void Soa(SheetWriter w, RiskReport report)
    {
        w.Row([.. SoaColumns.Select(SheetCell.Header)]);
        foreach (var line in report.Soa)
        {
            w.Row(SheetCell.Of(line.Control), SheetCell.Of(line.Title), SheetCell.Of(line.Applicable ? "yes" : "no"), SheetCell.Of(line.Implementation),
                SheetCell.Of(line.RiskCount), SheetCell.Of(line.Justification, WorkbookStyles.Wrap));
        }
    }

    private static void GridHeader(SheetWriter w) =>
        w.Row([SheetCell.Header("Likelihood \\ Impact"), .. Enumerable.Range(1, RiskCriteria.Scale).Select(i => SheetCell.Of(i, WorkbookStyles.Header))]);

    private static void Pair(SheetWriter w, string key, string value) => w.Row(SheetCell.Of(key, WorkbookStyles.Bold), SheetCell.Of(value));

    private static SheetCell Level(RiskLevel level) => SheetCell.Of(level.ToString(), WorkbookStyles.Of(level));
}

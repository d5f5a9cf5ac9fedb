using System.Globalization;
using System.Text.RegularExpressions;
using Aims.Risk.Cli;
using Aims.Risk.Cli.Reports;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Storage;
using Aims.Risk.Tests.Cli;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using MiniExcelLibs;

namespace Aims.Risk.Tests.Reports;

/// <summary><c>report</c> as HTML and as a workbook, read back by a spreadsheet reader and compared with the register.</summary>
public sealed class ReportCommandTests(ExampleRegister example) : IClassFixture<ExampleRegister>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aims-risk-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Html_goes_to_standard_output_and_covers_every_risk_of_the_register_or_of_one_system()
    {
        var risks = await example.RisksAsync();
        var system = risks.GroupBy(r => r.SystemId).OrderByDescending(g => g.Count()).First().Key;

        var (code, html, error) = await CliRunner.RunAt(ExampleRegister.ReportTime, example.Settings, "report");
        var (_, one, _) = await CliRunner.RunAt(ExampleRegister.ReportTime, example.Settings, "report", "--system", system);

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal(risks.Select(r => r.RiskId).Order(), RowIds(html).Order());
        Assert.Equal(risks.Where(r => r.SystemId == system).Select(r => r.RiskId).Order(), RowIds(one).Order());
        Assert.Contains($"AI risk report: AI system {system}", one, StringComparison.Ordinal);
        Assert.Contains($"<li id=\"figure-open-risks\"><b>{risks.Count(r => r.IsOpen)}</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_to_a_file_reports_where_and_honours_the_limit()
    {
        var file = Path.Combine(_folder, "report.html");

        var (code, output, error) = await CliRunner.RunAt(ExampleRegister.ReportTime, example.Settings, "report", "--out", file, "--limit", "3");

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.Contains($"wrote {file}", output, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(file);
        Assert.Equal(3, RowIds(html).Count);
        Assert.Contains($"This page lists the first 3 of {(await example.RisksAsync()).Count} risks", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--format", "xlsx")]
    [InlineData("--limit", "-1")]
    [InlineData("--format", "pdf")]
    public async Task Bad_arguments_exit_1_and_write_nothing(string option, string value)
    {
        var (code, output, error) = await CliRunner.RunAt(ExampleRegister.ReportTime, example.Settings, "report", option, value);

        Assert.NotEqual(AimsRiskCli.Success, code);
        Assert.DoesNotContain("<!DOCTYPE", output, StringComparison.Ordinal);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Workbook_sheets_hold_the_register_cell_for_cell()
    {
        var file = Path.Combine(_folder, "register.xlsx");
        var risks = await example.RisksAsync();
        var history = new List<RiskHistoryRecord>();
        foreach (var risk in risks)
        {
            history.AddRange((await example.Register.FindRiskAsync(risk.RiskId, default))!.History);
        }

        var (code, output, error) = await CliRunner.RunAt(ExampleRegister.ReportTime, example.Settings, "report", "--out", file);

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.Contains($"{risks.Count} risks", output, StringComparison.Ordinal);
        Assert.Equal(RiskWorkbook.SheetNames, MiniExcel.GetSheetNames(file));

        var rows = Rows(file, "Risks");
        Assert.Equal(RiskWorkbook.RiskColumns, rows[0].Values.Select(v => v?.ToString()));
        var byId = rows.Skip(1).ToDictionary(r => Guid.Parse((string)r["A"]!));
        Assert.Equal(risks.Count, byId.Count);
        foreach (var risk in risks)
        {
            var row = byId[risk.RiskId];
            Assert.Equal(
                (risk.SystemId, risk.RuleId, risk.Category, risk.Title, risk.Status.ToString(), (double)risk.Likelihood, (double)risk.Impact, (double)risk.Score, risk.Level.ToString()),
                ((string)row["B"]!, (string)row["C"]!, (string)row["D"]!, (string)row["E"]!, (string)row["F"]!, Number(row["G"]), Number(row["H"]), Number(row["I"]), (string)row["J"]!));
            Assert.Equal((risk.ResidualLikelihood, risk.ResidualImpact, risk.ResidualLevel?.ToString()), (NumberOrNull(row["K"]), NumberOrNull(row["L"]), row["M"] as string));
            Assert.Equal((risk.Owner, risk.AcceptedBy), ((string)row["N"]!, row["Q"] as string));
            Assert.Equal(risk.DueBy?.UtcDateTime.Date, Date(row["O"]));
            Assert.Equal(risk.AcceptedUntil?.UtcDateTime.Date, Date(row["R"]));
            Assert.Equal(risk.Status is RiskStatus.TreatmentRequested or RiskStatus.InTreatment && risk.DueBy < ExampleRegister.ReportTime ? "yes" : "no", row["P"]);
            Assert.Equal(string.Join(", ", risk.Controls), row["S"] as string ?? "");
        }

        Assert.Contains(byId.Values, r => (string)r["F"]! == "Accepted" && Date(r["R"]) is not null);
        Assert.Contains(byId.Values, r => (string)r["F"]! == "Treated" && (string)r["M"]! == "Low");

        var open = risks.Where(r => r.IsOpen).ToList();
        foreach (var (sheet, place) in new (string, Func<RiskRecord, (int?, int?)>)[]
                 {
                     ("Inherent matrix", r => (r.Likelihood, r.Impact)),
                     ("Residual matrix", r => (r.ResidualLikelihood, r.ResidualImpact)),
                 })
        {
            var matrix = Rows(file, sheet);
            Assert.Equal(["Likelihood \\ Impact", "1", "2", "3", "4", "5"], Cells(matrix[0], 6).Select(c => c?.ToString()));
            for (var l = 5; l >= 1; l--)
            {
                var row = matrix[6 - l];
                Assert.Equal((double)l, Number(row["A"]));
                for (var i = 1; i <= 5; i++)
                {
                    Assert.Equal(open.Count(r => place(r) == (l, i)), (int)Number(Cells(row, 6)[i]));
                }
            }
        }

        var historyRows = Rows(file, "History");
        Assert.Equal(RiskWorkbook.HistoryColumns, historyRows[0].Values.Select(v => v?.ToString()));
        Assert.Equal(history.Count, historyRows.Count - 1);
        Assert.Equal(
            history.Select(h => $"{h.RiskId} {h.FromStatus} {h.ToStatus} {h.Actor}").Order(),
            historyRows.Skip(1).Select(r => $"{r["A"]} {r["E"]} {r["F"]} {r["G"]}").Order());
        Assert.Contains(historyRows, r => r["F"] as string == "Accepted" && r["G"] as string == "cro@bank.example");

        var soa = Rows(file, "SoA");
        Assert.Equal(39, soa.Count);
        var cited = open.SelectMany(r => r.Controls).ToHashSet();
        Assert.All(soa.Skip(1), line => Assert.Equal(cited.Contains((string)line["A"]!) ? "yes" : "no", line["C"]));

        var methodology = Rows(file, "Methodology").Select(r => (Key: r["A"] as string, Value: r["B"]?.ToString())).ToList();
        Assert.Contains(("Rule-set version", example.RuleSet.Version), methodology);
        Assert.Contains(("Rule-set SHA-256", example.RuleSet.Hash), methodology);
        Assert.Contains(("Acceptance threshold", example.RuleSet.Criteria.AcceptanceThreshold.ToString()), methodology);

        using var document = SpreadsheetDocument.Open(file, isEditable: false);
        Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}"));
        var parts = document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>()
            .ToDictionary(s => s.Name!.Value!, s => (WorksheetPart)document.WorkbookPart.GetPartById(s.Id!));
        Assert.Equal($"A1:V{risks.Count + 1}", parts["Risks"].Worksheet.GetFirstChild<AutoFilter>()?.Reference?.Value);
        Assert.Equal($"A1:M{history.Count + 1}", parts["History"].Worksheet.GetFirstChild<AutoFilter>()?.Reference?.Value);
        Assert.Null(parts["Inherent matrix"].Worksheet.GetFirstChild<AutoFilter>());
        document.Dispose();
        File.Copy(file, Path.Combine(TestArtifacts.Folder, "report.xlsx"), overwrite: true);
    }

    private static List<IDictionary<string, object?>> Rows(string file, string sheet) =>
        [.. MiniExcel.Query(file, useHeaderRow: false, sheetName: sheet).Cast<IDictionary<string, object?>>()];

    private static object?[] Cells(IDictionary<string, object?> row, int count) =>
        [.. Enumerable.Range(0, count).Select(i => row.TryGetValue(SheetWriter.Column(i), out var v) ? v : null)];

    private static double Number(object? value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static int? NumberOrNull(object? value) => value is null ? null : (int)Number(value);

    private static DateTime? Date(object? value) => value switch
    {
        null => null,
        DateTime d => d.Date,
        double d => DateTime.FromOADate(d).Date,
        _ => throw new InvalidDataException($"not a date: {value} ({value.GetType().Name})"),
    };

    private static List<Guid> RowIds(string html) =>
        [.. Regex.Matches(html, "<tr data-risk-id=\"([^\"]+)\"").Select(m => Guid.Parse(m.Groups[1].Value))];
}

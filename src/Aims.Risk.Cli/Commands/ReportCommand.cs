using System.CommandLine;
using System.Globalization;
using System.Text;
using Aims.Risk.Cli.Reports;
using Aims.Risk.Core.Reports;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Cli.Commands;

/// <summary>
/// <c>report</c>: the register for people — a self-contained HTML page (figures, inherent and residual heat maps, the
/// risks, the Statement of Applicability, the criteria) or an XLSX workbook with every risk and its history.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var format = new Option<string?>("--format") { Description = "html or xlsx (default: from the --out extension, else html)", HelpName = "FORMAT" };
        format.AcceptOnlyFromAmong("html", "xlsx");
        var system = new Option<string?>("--system") { Description = "Only this AI system's risks", HelpName = "ID" };
        var output = new Option<FileInfo?>("--out") { Description = "The file to write (HTML without it goes to standard output; xlsx needs it)", HelpName = "FILE" };
        var limit = new Option<int>("--limit") { Description = "Rows of the HTML risk table; the page says how many are left out", DefaultValueFactory = _ => RiskReportHtml.DefaultTableLimit };
        var rules = CliContext.RulesOption();
        var command = new Command("report", "The register for people: HTML with heat maps, or an XLSX workbook") { format, system, output, limit, rules };
        command.SetAction(async (result, cancellationToken) =>
        {
            var file = result.GetValue(output);
            var kind = result.GetValue(format) ?? (string.Equals(file?.Extension, ".xlsx", StringComparison.OrdinalIgnoreCase) ? "xlsx" : "html");
            if (kind == "xlsx" && file is null)
            {
                context.Error.WriteLine("--out FILE is required for --format xlsx (a workbook is not text)");
                return AimsRiskCli.Invalid;
            }

            if (result.GetValue(limit) < 0)
            {
                context.Error.WriteLine("--limit must be 0 or more");
                return AimsRiskCli.Invalid;
            }

            if (RulesCommands.TryLoad(context, context.RulesPath(result, rules)) is not { } ruleSet)
            {
                return AimsRiskCli.Invalid;
            }

            using var services = context.CreateStorage();
            var systemId = result.GetValue(system);
            if (kind == "xlsx")
            {
                // Every risk and, in one streamed read, every transition of the risks in scope.
                var report = await RiskReport.LoadAsync(services.Register, ruleSet, systemId, context.Clock.GetUtcNow(), ReportDetail.All, cancellationToken);
                var history = new List<RiskHistoryRecord>();
                await foreach (var change in services.Register.StreamHistoryAsync(systemId, cancellationToken))
                {
                    history.Add(change);
                }

                await using (var stream = File.Create(file!.FullName))
                {
                    RiskWorkbook.Write(report, history, stream);
                }

                context.Output.WriteLine($"wrote {file.FullName}: {report.RiskCount} risks ({report.OpenCount} open), {history.Count} history rows, {Size(file)}");
                return AimsRiskCli.Success;
            }

            // The page lists the first rows of the risk table and counts the rest: only those are kept while the
            // register is read.
            var page = await RiskReport.LoadAsync(services.Register, ruleSet, systemId, context.Clock.GetUtcNow(), ReportDetail.Page(result.GetValue(limit)), cancellationToken);

            if (file is null)
            {
                RiskReportHtml.Write(page, context.Output, result.GetValue(limit));
                return AimsRiskCli.Success;
            }

            await using (var writer = new StreamWriter(file.FullName, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                RiskReportHtml.Write(page, writer, result.GetValue(limit));
            }

            context.Output.WriteLine($"wrote {file.FullName}: {page.RiskCount} risks ({page.OpenCount} open), {Size(file)}");
            return AimsRiskCli.Success;
        });
        return command;
    }

    private static string Size(FileInfo file)
    {
        file.Refresh();
        return file.Length.ToString("#,0", CultureInfo.InvariantCulture) + " bytes";
    }
}

using System.CommandLine;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Cli.Commands;

/// <summary><c>soa</c>: the Statement of Applicability of the 38 Annex A controls, from the register's risks.</summary>
internal static class SoaCommand
{
    private static readonly JsonSerializerOptions JsonOutput = new(ContractJson.Options) { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong("md", "csv", "json");
        var system = new Option<string?>("--system") { Description = "Only this AI system's risks", HelpName = "ID" };
        var command = new Command("soa", "Statement of Applicability: every Annex A control, whether a risk needs it, and its implementation") { format, system };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var services = context.CreateStorage();
            var risks = await services.Register.QueryRisksAsync(new RiskQuery { SystemId = result.GetValue(system), Limit = int.MaxValue }, cancellationToken);
            var lines = StatementOfApplicability.Build(risks);
            var o = context.Output;
            switch (result.GetValue(format))
            {
                case "json":
                    o.WriteLine(JsonSerializer.Serialize(lines, JsonOutput));
                    break;
                case "csv":
                    o.WriteLine("control,title,applicable,implementation,justification");
                    foreach (var line in lines)
                    {
                        o.WriteLine(CsvText.Row([line.Control, line.Title, line.Applicable ? "yes" : "no", line.Implementation, line.Justification]));
                    }

                    break;
                default:
                    var scope = result.GetValue(system) is { } id ? $"system {id}" : "all systems";
                    o.WriteLine($"# Statement of Applicability ({scope})");
                    o.WriteLine();
                    o.WriteLine($"{lines.Count(l => l.Applicable)} of {lines.Count} ISO/IEC 42001 Annex A controls are needed by an identified risk; generated {context.Clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC.");
                    o.WriteLine();
                    o.WriteLine("| Control | Title | Applicable | Implementation | Justification |");
                    o.WriteLine("|---|---|---|---|---|");
                    foreach (var line in lines)
                    {
                        o.WriteLine($"| {line.Control} | {Md(line.Title)} | {(line.Applicable ? "yes" : "no")} | {Md(line.Implementation)} | {Md(line.Justification)} |");
                    }

                    break;
            }

            return AimsRiskCli.Success;
        });
        return command;
    }

    private static string Md(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}

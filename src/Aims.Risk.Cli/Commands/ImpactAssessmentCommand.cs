using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Impact;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Cli.Commands;

/// <summary>
/// <c>impact-assessment --event FILE | --system ID</c>: a draft AI system impact assessment (ISO/IEC 42001 6.1.4,
/// A.5.2-A.5.5) from a change event and its findings, in Markdown or JSON, for the owner to complete. With
/// <c>--system</c> the event is the latest the register holds for the system's risks, and their status joins the draft.
/// </summary>
internal static class ImpactAssessmentCommand
{
    private static readonly JsonSerializerOptions JsonOutput = new(ContractJson.Options) { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var eventFile = new Option<string?>("--event")
        {
            Description = "An AiSystemChanged JSON file carrying the system's current state",
            HelpName = "FILE",
        };
        var system = new Option<string?>("--system")
        {
            Description = "An AI system in the register: its latest recorded event, with the status of its risks",
            HelpName = "ID",
        };
        var rules = CliContext.RulesOption();
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong("md", "json");
        var command = new Command("impact-assessment", "Draft an AI system impact assessment (ISO/IEC 42001 A.5) from a change event and its findings")
        {
            eventFile, system, rules, format,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(eventFile) is null) == (result.GetValue(system) is null))
            {
                result.AddError("give either --event FILE or --system ID");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            if (RulesCommands.TryLoad(context, context.RulesPath(result, rules)) is not { } ruleSet)
            {
                return AimsRiskCli.Invalid;
            }

            IReadOnlyList<RiskRecord>? risks = null;
            AiSystemChanged? change;
            if (result.GetValue(eventFile) is { } file)
            {
                change = Read(context, file, () => File.ReadAllBytes(file));
            }
            else
            {
                var id = result.GetValue(system)!;
                using var services = context.CreateStorage();
                risks = await services.Register.QueryRisksAsync(new RiskQuery { SystemId = id }, cancellationToken);
                var latest = risks.Count == 0 ? null : await services.Register.FindAssessmentAsync(risks.MaxBy(r => r.LastSeenAt)!.LastEventId, cancellationToken);
                if (latest is null)
                {
                    context.Error.WriteLine($"the register holds no risk of system '{id}': draft from an event with --event FILE");
                    return AimsRiskCli.Invalid;
                }

                change = Read(context, $"event {latest.EventId} in the register", () => Encoding.UTF8.GetBytes(latest.Payload));
            }

            if (change is null)
            {
                return AimsRiskCli.Invalid;
            }

            var draft = ImpactAssessmentDraft.From(new RiskEvaluator(context.Clock).Evaluate(change, ruleSet), context.Clock.GetUtcNow(), risks);
            context.Output.Write(result.GetValue(format) == "json" ? JsonSerializer.Serialize(draft, JsonOutput) + Environment.NewLine : Markdown(draft));
            return AimsRiskCli.Success;
        });
        return command;
    }

    private static AiSystemChanged? Read(CliContext context, string source, Func<byte[]> bytes)
    {
        try
        {
            return AiSystemChangedReader.Read(bytes(), context.Clock);
        }
        catch (InvalidEventException ex)
        {
            context.Error.WriteLine($"{source}: not a valid AiSystemChanged: {ex.Message}");
        }
        catch (IOException ex)
        {
            context.Error.WriteLine($"{source}: cannot be read: {ex.Message}");
        }

        return null;
    }

    internal static string Markdown(ImpactAssessmentDraft draft)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# AI system impact assessment (draft): {draft.SystemName}");
        md.AppendLine();
        md.AppendLine("Draft generated from a change event and the rule set's findings (ISO/IEC 42001 6.1.4, Annex A.5.2-A.5.5). The owner completes, approves and keeps it.");
        md.AppendLine();
        md.AppendLine("## The system and this assessment (A.5.2, A.5.3)");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine(c, $"| system | {Cell(draft.SystemId)} ({Cell(draft.SystemName)}) |");
        md.AppendLine(c, $"| owner | {Cell(draft.Owner)} |");
        md.AppendLine(c, $"| purpose | {Cell(draft.Purpose ?? "not declared")} |");
        md.AppendLine(c, $"| domain | {Cell(draft.Domain ?? "not declared")} |");
        md.AppendLine(c, $"| EU AI Act class | {draft.EuAiActRiskClass?.ToString() ?? "not declared"} |");
        md.AppendLine(c, $"| exposure, autonomy | {draft.Exposure?.ToString() ?? "not declared"}, {draft.Autonomy?.ToString() ?? "not declared"} |");
        md.AppendLine(c, $"| based on | event {draft.EventId} ({draft.ChangeType}, {draft.OccurredAt:yyyy-MM-dd HH:mm} UTC), rule set {Cell(draft.RuleSetVersion)} ({draft.RuleSetHash[..Math.Min(12, draft.RuleSetHash.Length)]}) |");
        md.AppendLine(c, $"| drafted | {draft.DraftedAt:yyyy-MM-dd HH:mm} UTC; status: draft, to be completed and approved |");
        md.AppendLine();
        md.AppendLine("## Who is affected (A.5.4)");
        md.AppendLine();
        foreach (var person in draft.AffectedPersons)
        {
            md.AppendLine(c, $"- {person}");
        }

        md.AppendLine();
        Impacts(md, "## Impacts on individuals or groups of individuals (A.5.4)", draft.IndividualImpacts);
        Impacts(md, "## Societal impacts (A.5.5)", draft.SocietalImpacts);
        if (draft.OtherOpenRisks.Count > 0)
        {
            md.AppendLine("## Other open ethics and privacy risks in the register");
            md.AppendLine();
            foreach (var risk in draft.OtherOpenRisks)
            {
                md.AppendLine(c, $"- {risk}");
            }

            md.AppendLine();
        }

        md.AppendLine("## Controls in place (from the event's evidence)");
        md.AppendLine();
        if (draft.ExistingControls.Count == 0)
        {
            md.AppendLine("- none recorded in the event");
        }

        foreach (var control in draft.ExistingControls)
        {
            md.AppendLine(c, $"- {control}");
        }

        md.AppendLine();
        md.AppendLine("## To complete by the owner");
        md.AppendLine();
        foreach (var item in draft.ToComplete)
        {
            md.AppendLine(c, $"- [ ] {item}");
        }

        return md.ToString();
    }

    private static void Impacts(StringBuilder md, string heading, IReadOnlyList<AssessedImpact> impacts)
    {
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(heading);
        md.AppendLine();
        if (impacts.Count == 0)
        {
            md.AppendLine("No rule of the rule set found one in this event; the owner adds those the rules cannot see.");
            md.AppendLine();
            return;
        }

        foreach (var impact in impacts.OrderByDescending(i => i.Level).ThenBy(i => i.RuleId, StringComparer.Ordinal))
        {
            md.AppendLine(c, $"### {impact.RuleId}: {impact.Title}");
            md.AppendLine();
            md.AppendLine(c, $"- severity: {impact.Level} (likelihood {impact.Likelihood}, impact {impact.Impact}){(impact.Aggravating.Count == 0 ? "" : "; raised by: " + string.Join("; ", impact.Aggravating))}");
            md.AppendLine(c, $"- how: {impact.How}");
            md.AppendLine(c, $"- controls: {string.Join("; ", impact.Controls)}");
            if (impact.RegisterStatus is { } status)
            {
                md.AppendLine(c, $"- in the register: {status}");
            }

            md.AppendLine(c, $"- open treatment{(impact.DueBy is { } due ? $" (due {due:yyyy-MM-dd})" : "")}: {impact.OpenTreatment}");
            md.AppendLine();
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}

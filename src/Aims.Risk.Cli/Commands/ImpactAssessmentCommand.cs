using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.IO;
using Aims.Risk.Core.Impact;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Cli.Commands;

/// <summary>
/// <c>impact-assessment --event FILE | --system ID</c>: a draft AI system impact assessment (ISO/IEC 42001 6.1.4,
/// A.5.2-A.5.5) from a change event and its findings, in Markdown or JSON, for the owner to complete. With
/// <c>--system</c> the event is the latest the register holds for the system's risks, and their status joins the draft.
/// <c>impact-assessment submit</c> records the completed file as the system's next version; <c>impact-assessment list</c>
/// shows the versions recorded.
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
            eventFile, system, rules, format, Submit(context), List(context),
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
            context.Output.Write(result.GetValue(format) == "json" ? JsonSerializer.Serialize(draft, JsonOutput) + Environment.NewLine : ImpactAssessmentMarkdown.Write(draft));
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

    private static Command Submit(CliContext context)
    {
        var system = new Option<string>("--system") { Description = "The AI system the assessment is of", Required = true, HelpName = "ID" };
        var file = new Option<string>("--file") { Description = "The completed assessment: the draft's Markdown or JSON, with every part to complete filled in", Required = true, HelpName = "FILE" };
        var actor = new Option<string>("--actor") { Description = "Who submits it (the system's owner)", Required = true, HelpName = "NAME" };
        var approvedBy = new Option<string?>("--approved-by") { Description = "Who approved it, when not the submitter", HelpName = "NAME" };
        var format = new Option<string?>("--format") { Description = "md or json (default: from the file's extension)" };
        format.AcceptOnlyFromAmong(ImpactAssessmentReader.Markdown, ImpactAssessmentReader.Json);
        var rules = CliContext.RulesOption();
        var command = new Command("submit", "Record a completed impact assessment as the system's next version; risks it settles are resolved")
        {
            system, file, actor, approvedBy, format, rules,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            if ((result.GetValue(format) ?? ImpactAssessmentReader.FormatOf(path)) is not { } kind)
            {
                context.Error.WriteLine($"{path}: the format is not clear from the name: give --format md or --format json");
                return AimsRiskCli.Invalid;
            }

            if (BoundedFile.TryReadBytes(path, out var unreadable) is not { } content)
            {
                context.Error.WriteLine($"{path}: {unreadable}");
                return AimsRiskCli.Invalid;
            }

            if (RulesCommands.TryLoad(context, context.RulesPath(result, rules)) is not { } ruleSet)
            {
                return AimsRiskCli.Invalid;
            }

            var problems = new List<string>();
            using var services = context.CreateStorage();
            var submission = await ImpactAssessmentSubmitter.SubmitAsync(
                services.Register, ruleSet, content, kind, result.GetValue(system)!, result.GetValue(actor)!, result.GetValue(approvedBy), context.Clock.GetUtcNow(), problems, cancellationToken);
            if (submission is null)
            {
                foreach (var problem in problems)
                {
                    context.Error.WriteLine($"{path}: {problem}");
                }

                context.Error.WriteLine($"refused: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}; nothing was recorded");
                return AimsRiskCli.Invalid;
            }

            var stored = submission.Stored;
            var o = context.Output;
            o.WriteLine($"impact assessment of {stored.SystemId} recorded: version {stored.Version} ({stored.AssessmentId}), sha256 {stored.ContentHash}");
            o.WriteLine($"submitted by {stored.SubmittedBy}{(stored.ApprovedBy is { } approver ? $", approved by {approver}" : "")}; review by {stored.ReviewBy:yyyy-MM-dd}");
            o.WriteLine($"assesses the intended use \"{stored.Purpose}\": it counts for the system's events that declare this purpose");
            o.WriteLine($"covers {stored.Risks.Count} risk{(stored.Risks.Count == 1 ? "" : "s")} of the register");
            foreach (var resolution in submission.Resolutions)
            {
                o.WriteLine($"risk {resolution.Next.RiskId} ({resolution.Next.RuleId}): {resolution.History.FromStatus} -> {resolution.History.ToStatus}");
            }

            if (submission.Resolutions.Count > 0)
            {
                o.WriteLine("the status events are in the outbox; a running worker publishes them");
            }

            if (stored.RuleSetHash != ruleSet.Hash)
            {
                o.WriteLine($"note: the draft was made with rule set {stored.RuleSetVersion} ({stored.RuleSetHash[..12]}); the active one is {ruleSet.Version} ({ruleSet.Hash[..12]}): the impacts it lists may differ from today's");
            }

            return AimsRiskCli.Success;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var system = new Option<string>("--system") { Description = "The AI system", Required = true, HelpName = "ID" };
        var format = new Option<string>("--format") { Description = "Output format (json includes each document)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("list", "The impact assessments recorded for a system, newest first: every version, none overwritten") { system, format };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var services = context.CreateStorage();
            var versions = await services.Register.ReadImpactAssessmentsAsync(result.GetValue(system)!, cancellationToken);
            if (result.GetValue(format) == "json")
            {
                context.Output.WriteLine(JsonSerializer.Serialize(versions, JsonOutput));
                return AimsRiskCli.Success;
            }

            var now = context.Clock.GetUtcNow();
            context.Output.WriteLine($"{versions.Count} version{(versions.Count == 1 ? "" : "s")} of the impact assessment of {result.GetValue(system)}");
            TextTable.Write(
                context.Output,
                ["VERSION", "SUBMITTED (UTC)", "BY", "APPROVED BY", "REVIEW BY", "SHA256", "RISKS", "RESOLVED", "PURPOSE"],
                versions.Select((v, i) => new[]
                {
                    $"{v.Version}{(i == 0 ? " (current)" : "")}",
                    v.SubmittedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    v.SubmittedBy,
                    v.ApprovedBy ?? "-",
                    v.ReviewBy.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (i == 0 && v.ReviewBy < now ? " (overdue)" : ""),
                    v.ContentHash[..12],
                    v.Risks.Count.ToString(CultureInfo.InvariantCulture),
                    v.Risks.Count(r => r.Resolved).ToString(CultureInfo.InvariantCulture),
                    v.Purpose,
                }));
            return AimsRiskCli.Success;
        });
        return command;
    }
}

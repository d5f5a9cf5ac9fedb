using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Cli.Commands;

/// <summary>
/// <c>risks</c>: the register of risks for people — list them, show one with its findings and history, and record an
/// owner's update with the same validation, history row and status event as an update on the queue (the worker's
/// outbox relay publishes it).
/// </summary>
internal static class RisksCommand
{
    private static readonly JsonSerializerOptions JsonOutput = new(ContractJson.Options) { WriteIndented = true };

    private static readonly string[] Columns =
        ["riskId", "systemId", "ruleId", "category", "status", "level", "score", "residualLevel", "owner", "dueBy", "acceptedBy", "acceptedUntil", "lastSeenAt", "title"];

    public static Command Create(CliContext context)
    {
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var system = new Option<string?>("--system") { Description = "Only this AI system's risks", HelpName = "ID" };
        var status = new Option<RiskStatus?>("--status") { Description = "Only risks in this status", HelpName = "STATUS" };
        var level = new Option<RiskLevel?>("--level") { Description = "Only risks at or above this inherent level", HelpName = "LEVEL" };
        var limit = new Option<int>("--limit") { Description = "At most this many risks", DefaultValueFactory = _ => 10_000 };
        var command = new Command("risks", "The register of risks: one per AI system and rule, with its status") { format, system, status, level, limit, Show(context), Update(context) };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var services = context.CreateStorage();
            var unreadable = new UnreadableRows(context.Error);
            var risks = await services.Register.QueryRisksAsync(
                new RiskQuery
                {
                    SystemId = result.GetValue(system),
                    Status = result.GetValue(status),
                    MinimumLevel = result.GetValue(level),
                    Limit = result.GetValue(limit),
                    OnUnreadableRow = unreadable.Report,
                },
                cancellationToken);
            Write(context.Output, result.GetValue(format)!, risks);
            return unreadable.Finish();
        });
        return command;
    }

    private static Command Show(CliContext context)
    {
        var id = new Argument<Guid>("ID") { Description = "The risk id" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("show", "A risk, its findings (the evidence) and its history") { id, format };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var services = context.CreateStorage();
            if (await services.Register.FindRiskAsync(result.GetValue(id), cancellationToken) is not { } detail)
            {
                context.Error.WriteLine($"no risk {result.GetValue(id)} in the register");
                return AimsRiskCli.Invalid;
            }

            if (result.GetValue(format) == "json")
            {
                context.Output.WriteLine(JsonSerializer.Serialize(detail, JsonOutput));
                return AimsRiskCli.Success;
            }

            var r = detail.Risk;
            var o = context.Output;
            o.WriteLine($"{r.RuleId} on {r.SystemId}: {r.Title}");
            o.WriteLine($"risk {r.RiskId}, {r.Category}, owner {r.Owner}");
            o.WriteLine($"status {r.Status}; inherent {r.Level} ({r.Likelihood} × {r.Impact} = {r.Score}); residual {(r.ResidualLevel is { } rl ? $"{rl} ({r.ResidualLikelihood} × {r.ResidualImpact})" : "not recorded")}");
            o.WriteLine($"due {Date(r.DueBy)}; accepted {(r.AcceptedUntil is { } until ? $"by {r.AcceptedBy} until {Date(until)}" : "-")}; open task {r.OpenTaskId?.ToString() ?? "-"}");
            o.WriteLine($"first seen {Date(r.FirstSeenAt)}, last seen {Date(r.LastSeenAt)} (event {r.LastEventId}), rule set {r.RuleSetVersion}");
            o.WriteLine($"controls {string.Join(", ", r.Controls)}");
            o.WriteLine();
            o.WriteLine($"findings ({detail.Entries.Count}):");
            TextTable.Write(o, ["ASSESSED (UTC)", "EVENT", "LEVEL", "TASK", "RATIONALE"],
                detail.Entries.Select(e => new[] { Time(e.CreatedAt), e.EventId.ToString(), e.Level.ToString(), e.TaskId?.ToString() ?? "-", e.Rationale }));
            o.WriteLine();
            o.WriteLine($"history ({detail.History.Count}):");
            TextTable.Write(o, ["AT (UTC)", "FROM", "TO", "ACTOR", "REASON"],
                detail.History.Select(h => new[] { Time(h.At), h.FromStatus?.ToString() ?? "-", h.ToStatus.ToString(), h.Actor, h.Reason }));
            return AimsRiskCli.Success;
        });
        return command;
    }

    private static Command Update(CliContext context)
    {
        var id = new Argument<Guid>("ID") { Description = "The risk id" };
        var action = new Option<TreatmentAction>("--action") { Description = "Acknowledged, Mitigated, Accepted, Transferred, Avoided or Reopened", Required = true };
        var actor = new Option<string>("--actor") { Description = "Who decided (for Accepted: the approver)", Required = true, HelpName = "NAME" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Accepted until (required for Accepted), e.g. 2027-06-30", HelpName = "DATE" };
        var comment = new Option<string?>("--comment") { Description = "Why, in a sentence" };
        var residualLikelihood = new Option<int?>("--residual-likelihood") { Description = "Residual likelihood 1-5 (required for Mitigated)", HelpName = "N" };
        var residualImpact = new Option<int?>("--residual-impact") { Description = "Residual impact 1-5 (required for Mitigated)", HelpName = "N" };
        var evidence = new Option<string[]>("--evidence") { Description = "A link to the evidence; repeat for more", HelpName = "URI" };
        var rules = CliContext.RulesOption();
        var command = new Command("update", "Record an owner's update of a risk (validated as on the treatment-updates queue)")
        {
            id, action, actor, until, comment, residualLikelihood, residualImpact, evidence, rules,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (RulesCommands.TryLoad(context, context.RulesPath(result, rules)) is not { } ruleSet)
            {
                return AimsRiskCli.Invalid;
            }

            var now = context.Clock.GetUtcNow();
            var update = new RiskTreatmentUpdated
            {
                UpdateId = Guid.NewGuid(),
                RiskId = result.GetValue(id),
                Action = result.GetValue(action),
                Actor = result.GetValue(actor)!,
                OccurredAt = now,
                Comment = result.GetValue(comment),
                AcceptedUntil = result.GetValue(until),
                ResidualLikelihood = result.GetValue(residualLikelihood),
                ResidualImpact = result.GetValue(residualImpact),
                Evidence = result.GetValue(evidence) is { Length: > 0 } links ? links : null,
            };
            using var services = context.CreateStorage();
            try
            {
                var outcome = await services.Register.TransitionAsync(
                    update.RiskId, taskId: null, update.UpdateId, risk => RiskLifecycle.Apply(risk, update, ruleSet.Criteria, now), cancellationToken);
                var history = outcome.Applied!.History;
                context.Output.WriteLine($"risk {update.RiskId}: {history.FromStatus} -> {history.ToStatus} ({history.Reason})");
                context.Output.WriteLine("the status event is in the outbox; a running worker publishes it");
                return AimsRiskCli.Success;
            }
            catch (Exception ex) when (ex is RiskUpdateRefusedException or RiskNotFoundException)
            {
                context.Error.WriteLine($"refused: {ex.Message}");
                return AimsRiskCli.Invalid;
            }
        });
        return command;
    }

    private static void Write(TextWriter output, string format, IReadOnlyList<RiskRecord> risks)
    {
        switch (format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(risks, JsonOutput));
                break;
            case "csv":
                output.WriteLine(string.Join(',', Columns));
                foreach (var r in risks)
                {
                    output.WriteLine(CsvText.Row(
                    [
                        r.RiskId.ToString(), r.SystemId, r.RuleId, r.Category, r.Status.ToString(), r.Level.ToString(), r.Score.ToString(CultureInfo.InvariantCulture),
                        r.ResidualLevel?.ToString() ?? "", r.Owner, Iso(r.DueBy), r.AcceptedBy ?? "", Iso(r.AcceptedUntil), Iso(r.LastSeenAt), r.Title,
                    ]));
                }

                break;
            default:
                output.WriteLine($"{risks.Count} risk{(risks.Count == 1 ? "" : "s")}");
                TextTable.Write(
                    output,
                    ["RISK", "SYSTEM", "RULE", "STATUS", "LEVEL", "RESIDUAL", "DUE", "ACCEPTED UNTIL", "TITLE"],
                    risks.Select(r => new[] { r.RiskId.ToString(), r.SystemId, r.RuleId, r.Status.ToString(), r.Level.ToString(), r.ResidualLevel?.ToString() ?? "-", Date(r.DueBy), Date(r.AcceptedUntil), r.Title }));
                break;
        }
    }

    private static string Date(DateTimeOffset? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";

    private static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset? value) => value?.ToString("O", CultureInfo.InvariantCulture) ?? "";
}

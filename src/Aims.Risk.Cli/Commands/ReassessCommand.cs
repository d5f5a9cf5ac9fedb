using System.CommandLine;
using System.Globalization;
using Aims.Risk.Core.Reassessment;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Cli.Commands;

/// <summary>
/// <c>reassess [--system ID]</c>: asks for a re-assessment with the active rule set, on demand. The command line has no
/// broker: it writes the run to the register's <c>Reassessments</c> table, and a running worker claims it at its next
/// look (<c>Reassessment:PollInterval</c>) and enqueues it, exactly as for an activation. <c>--list</c> shows the runs.
/// </summary>
internal static class ReassessCommand
{
    public static Command Create(CliContext context)
    {
        var system = new Option<string?>("--system") { Description = "Only this AI system (default: every system in the register)", HelpName = "ID" };
        var list = new Option<bool>("--list") { Description = "List the re-assessment runs with their progress instead" };
        var register = CliContext.RegisterOption();
        var command = new Command("reassess", "Re-assess systems from their latest input with the active rule set (a running worker does the work)") { system, list, register };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var storage = context.CreateStorage(result.GetValue(register));
            if (result.GetValue(list))
            {
                List(context.Output, await storage.Register.ReadReassessmentsAsync(unfinishedOnly: false, limit: 100, cancellationToken));
                return AimsRiskCli.Success;
            }

            var runId = Guid.NewGuid();
            var run = new ReassessmentRun(runId, ReassessmentIds.DemandKey(runId), ReassessmentRun.OnDemand, result.GetValue(system), null, null, context.Clock.GetUtcNow());
            _ = await storage.Register.RequestReassessmentAsync(run, cancellationToken);
            context.Output.WriteLine($"requested re-assessment run {runId} of {(run.SystemId is { } id ? $"system {id}" : "every system")}; a running worker enqueues it (aims-risk reassess --list shows its progress)");
            return AimsRiskCli.Success;
        });
        return command;
    }

    private static void List(TextWriter output, IReadOnlyList<ReassessmentRun> runs)
    {
        string At(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
        string N(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "-";
        output.WriteLine($"{runs.Count} run(s)");
        TextTable.Write(
            output,
            ["REQUESTED (UTC)", "RUN", "REASON", "RULE SET", "SYSTEMS", "DONE", "OPENED", "RESOLVED", "CHANGED", "FINISHED", "SCOPE"],
            runs.Select(r => new[]
            {
                At(r.RequestedAt), r.RunId.ToString(), r.Reason, r.RuleSetVersion ?? "-", N(r.Systems), N(r.Done),
                N(r.Opened), N(r.Resolved), N(r.Changed), At(r.FinishedAt), r.SystemId ?? "all",
            }));
    }
}

using System.CommandLine;
using Aims.Risk.Contracts;
using Aims.Risk.Core.RuleChanges;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.Cli.Commands;

/// <summary>
/// <c>rules diff --rules CANDIDATE</c>: every system's latest input evaluated with the active (latest archived) rule set
/// and with the candidate, and what would change: a gate for the pull request that edits rules.
/// </summary>
internal static class RulesDiffCommand
{
    public static Command Create(CliContext context)
    {
        var rules = CliContext.RulesOption();
        rules.Description = "The candidate rule set folder (default: the Rules:Path setting, else ./rules)";
        var register = CliContext.RegisterOption();
        var format = new Option<string>("--format") { Description = "Output format (md: for a pull-request comment)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md");
        var failOnNew = new Option<RiskLevel?>("--fail-on-new")
        {
            Description = "Exit 2 when a risk at or above this level would open (Low, Medium, High, Critical)",
            HelpName = "LEVEL",
        };
        var command = new Command("diff", "What the candidate rule set would change in the register: risks that open, resolve, change level or treatment") { rules, register, format, failOnNew };
        command.SetAction((result, cancellationToken) => RunAsync(
            context,
            context.RulesPath(result, rules),
            result.GetValue(register),
            result.GetValue(format)!,
            result.GetValue(failOnNew),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string path, string? registerConnection, string format, RiskLevel? failOnNew, CancellationToken cancellationToken)
    {
        if (RulesCommands.TryLoad(context, path) is not { } candidate)
        {
            return AimsRiskCli.Invalid;
        }

        using var storage = context.CreateStorage(registerConnection);
        var archived = await storage.Register.ReadRuleSetsAsync(cancellationToken);
        if (archived.MaxBy(a => a.ActivatedAt) is not { } latest)
        {
            context.Error.WriteLine("the register has no archived rule set to compare with: no worker has activated one yet");
            return AimsRiskCli.Invalid;
        }

        RuleSet active;
        try
        {
            active = ArchivedRuleSet.Load(latest);
        }
        catch (RuleSetValidationException ex)
        {
            context.Error.WriteLine($"the active rule set {latest.Version} (sha256 {latest.Hash}) does not load with this version of aims-risk:");
            foreach (var error in ex.Errors)
            {
                context.Error.WriteLine($"  {error}");
            }

            return AimsRiskCli.Invalid;
        }

        // Not a refusal here: the author previews before bumping. The worker and `rules validate` refuse it.
        foreach (var problem in RuleSetVersionCheck.Check(candidate, archived))
        {
            context.Error.WriteLine($"note: {problem.Message}");
        }

        var report = await RegisterDiff.RunAsync(storage.Register.ReadLatestInputsAsync(systemId: null, cancellationToken), active, candidate, cancellationToken);
        RuleSetDiffWriter.Write(context.Output, format, report);
        return failOnNew is { } level && report.OpensAtOrAbove(level) > 0 ? AimsRiskCli.GateFailed : AimsRiskCli.Success;
    }
}

using System.CommandLine;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.Cli.Commands;

/// <summary><c>rules validate</c>, <c>rules test</c> and <c>rules diff</c>: what a rule author runs before a change ships.</summary>
internal static class RulesCommands
{
    public static Command Create(CliContext context)
    {
        var rules = new Command("rules", "Validate and test a rule set");

        var validateRules = CliContext.RulesOption();
        var validateRegister = CliContext.RegisterOption();
        var validate = new Command("validate", "Load and validate the rule set; list every error (file, rule, what is wrong); with a register, check its version against the archived ones") { validateRules, validateRegister };
        validate.SetAction((result, cancellationToken) => ValidateAsync(context, context.RulesPath(result, validateRules), result.GetValue(validateRegister), cancellationToken));

        var testRules = CliContext.RulesOption();
        var test = new Command("test", "Run the rule tests (rules/tests/*.json) and list each failure") { testRules };
        test.SetAction(result => Test(context, context.RulesPath(result, testRules)));

        rules.Subcommands.Add(validate);
        rules.Subcommands.Add(test);
        rules.Subcommands.Add(RulesDiffCommand.Create(context));
        return rules;
    }

    private static async Task<int> ValidateAsync(CliContext context, string path, string? register, CancellationToken cancellationToken)
    {
        if (TryLoad(context, path) is not { } ruleSet)
        {
            return AimsRiskCli.Invalid;
        }

        // The version discipline compares with what was activated before, which only a register knows: without one,
        // the manifest and its changelog are checked for form only, and the output says so.
        if (!context.HasRegister(register))
        {
            context.Output.WriteLine($"valid: {ruleSet.Manifest.Name} {ruleSet.Version}, {ruleSet.Rules.Count} rules in {ruleSet.Manifest.Workflows.Count} workflows, sha256 {ruleSet.Hash}");
            context.Output.WriteLine($"coverage: {RulePackCoverage.Of(ruleSet)}");
            context.Output.WriteLine("version not checked against the archived rule sets: no register (--register or ConnectionStrings:RiskRegister)");
            return AimsRiskCli.Success;
        }

        using var storage = context.CreateStorage(register);
        var archived = await storage.Register.ReadRuleSetsAsync(cancellationToken);
        var errors = RuleSetVersionCheck.Check(ruleSet, archived);
        if (errors.Count > 0)
        {
            context.Error.WriteLine($"refused rule set '{path}': {errors.Count} error(s)");
            foreach (var error in errors)
            {
                context.Error.WriteLine($"  {error}");
            }

            return AimsRiskCli.Invalid;
        }

        context.Output.WriteLine($"valid: {ruleSet.Manifest.Name} {ruleSet.Version}, {ruleSet.Rules.Count} rules in {ruleSet.Manifest.Workflows.Count} workflows, sha256 {ruleSet.Hash}");
        context.Output.WriteLine($"coverage: {RulePackCoverage.Of(ruleSet)}");
        context.Output.WriteLine($"version {ruleSet.Version} checked against {archived.Count} archived rule set(s)");
        return AimsRiskCli.Success;
    }

    private static int Test(CliContext context, string path)
    {
        if (TryLoad(context, path) is not { } ruleSet)
        {
            return AimsRiskCli.Invalid;
        }

        var report = RuleTestRunner.Run(ruleSet, path, context.Clock);
        foreach (var failure in report.Failures)
        {
            context.Error.WriteLine($"FAIL {failure}");
        }

        context.Output.WriteLine(report.Passed
            ? $"passed: {report.CaseCount} cases, {ruleSet.Rules.Count} rules each fired and not fired at least once"
            : $"failed: {report.Failures.Count} failure(s) in {report.CaseCount} cases");
        return report.Passed ? AimsRiskCli.Success : AimsRiskCli.Invalid;
    }

    internal static RuleSet? TryLoad(CliContext context, string path)
    {
        if (context.MaxRules() is not { } maxRules)
        {
            return null;
        }

        try
        {
            return RuleSetLoader.Load(path, maxRules);
        }
        catch (RuleSetValidationException ex)
        {
            context.Error.WriteLine($"invalid rule set '{path}': {ex.Errors.Count} error(s)");
            foreach (var error in ex.Errors)
            {
                context.Error.WriteLine($"  {error}");
            }

            return null;
        }
    }
}

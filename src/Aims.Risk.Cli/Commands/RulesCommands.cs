using System.CommandLine;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.Cli.Commands;

/// <summary><c>rules validate</c> and <c>rules test</c>: what a rule author runs before a change ships.</summary>
internal static class RulesCommands
{
    public static Command Create(CliContext context)
    {
        var rules = new Command("rules", "Validate and test a rule set");

        var validateRules = CliContext.RulesOption();
        var validate = new Command("validate", "Load and validate the rule set; list every error (file, rule, what is wrong)") { validateRules };
        validate.SetAction(result => Validate(context, context.RulesPath(result, validateRules)));

        var testRules = CliContext.RulesOption();
        var test = new Command("test", "Run the rule tests (rules/tests/*.json) and list each failure") { testRules };
        test.SetAction(result => Test(context, context.RulesPath(result, testRules)));

        rules.Subcommands.Add(validate);
        rules.Subcommands.Add(test);
        return rules;
    }

    private static int Validate(CliContext context, string path)
    {
        if (TryLoad(context, path) is not { } ruleSet)
        {
            return AimsRiskCli.Invalid;
        }

        context.Output.WriteLine($"valid: {ruleSet.Manifest.Name} {ruleSet.Version}, {ruleSet.Rules.Count} rules in {ruleSet.Manifest.Workflows.Count} workflows, sha256 {ruleSet.Hash}");
        context.Output.WriteLine($"coverage: {RulePackCoverage.Of(ruleSet)}");
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
        try
        {
            return RuleSetLoader.Load(path);
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

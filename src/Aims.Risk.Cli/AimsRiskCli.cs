using System.CommandLine;
using Aims.Risk.Cli.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Cli;

/// <summary>The <c>aims-risk</c> command line: rule sets, assessments, the register and the database.</summary>
public static class AimsRiskCli
{
    public const int Success = 0;

    /// <summary>Invalid input: a rule set that does not load, a failing rule test, an event file that is not valid.</summary>
    public const int Invalid = 1;

    /// <summary><c>assess --fail-on</c>: a finding at or above the given level (a deployment gate).</summary>
    public const int GateFailed = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IConfiguration configuration, TimeProvider clock)
    {
        var context = new CliContext(output, error, configuration, clock);
        var root = new RootCommand("aims-risk: automated AI risk assessment under ISO/IEC 42001")
        {
            RulesCommands.Create(context),
            AssessCommand.Create(context),
            ImpactAssessmentCommand.Create(context),
            SchemaCommand.Create(context),
            RegisterCommand.Create(context),
            RisksCommand.Create(context),
            SoaCommand.Create(context),
            ReassessCommand.Create(context),
            ReportCommand.Create(context),
            DbCommand.Create(context),
            CatalogCommand.Create(context),
        };
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (OptionsValidationException ex)
        {
            error.WriteLine($"configuration error: {string.Join("; ", ex.Failures)}");
            return Invalid;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or InvalidDataException)
        {
            error.WriteLine($"error: {ex.Message}");
            return Invalid;
        }
    }
}

using System.CommandLine;

namespace Aims.Risk.Cli.Commands;

/// <summary><c>db migrate</c>: applies the schema scripts that have not run yet (the worker also does it at start).</summary>
internal static class DbCommand
{
    public static Command Create(CliContext context)
    {
        var migrate = new Command("migrate", "Apply pending schema scripts to the store of Storage:Provider and ConnectionStrings:RiskRegister");
        migrate.SetAction(async (_, cancellationToken) =>
        {
            using var services = context.CreateStorage();
            await services.Register.MigrateAsync(cancellationToken);
            context.Output.WriteLine($"schema up to date ({services.Provider})");
            return AimsRiskCli.Success;
        });
        return new Command("db", "Manage the risk register's database") { migrate };
    }
}

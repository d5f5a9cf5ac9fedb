using System.CommandLine;
using Aims.Risk.Core.Catalog;

namespace Aims.Risk.Cli.Commands;

/// <summary><c>catalog validate</c>: checks the system catalogue as the worker does at start and on reload.</summary>
internal static class CatalogCommand
{
    public static Command Create(CliContext context)
    {
        var catalog = new Command("catalog", "Validate the system catalogue the worker's intake fills events from");
        var file = new Option<string?>("--catalog")
        {
            Description = "The catalogue file (default: the Catalog:Path setting)",
            HelpName = "FILE",
        };
        var validate = new Command("validate", "Load and validate the catalogue; list every error (file, location, what is wrong)") { file };
        validate.SetAction(result => Validate(context, result.GetValue(file) ?? context.Configuration["Catalog:Path"]));
        catalog.Subcommands.Add(validate);
        return catalog;
    }

    private static int Validate(CliContext context, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            context.Error.WriteLine("no catalogue: pass --catalog FILE or set Catalog:Path (env Catalog__Path)");
            return AimsRiskCli.Invalid;
        }

        try
        {
            var loaded = CatalogLoader.Load(path);
            var models = loaded.Systems.Sum(s => s.PlatformModels.Count);
            context.Output.WriteLine($"valid: catalogue {loaded.Version}, {loaded.Systems.Count} systems, {models} platform models");
            return AimsRiskCli.Success;
        }
        catch (CatalogValidationException ex)
        {
            foreach (var error in ex.Errors)
            {
                context.Error.WriteLine(error);
            }

            context.Error.WriteLine($"invalid: {ex.Errors.Count} error(s)");
            return AimsRiskCli.Invalid;
        }
    }
}

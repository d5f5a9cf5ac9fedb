using System.CommandLine;
using Aims.Risk.Core.Events;

namespace Aims.Risk.Cli.Commands;

/// <summary><c>schema</c>: prints the AiSystemChanged JSON Schema generated from the contract type.</summary>
internal static class SchemaCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("schema", $"Print the JSON Schema of AiSystemChanged (committed as deploy/schemas/{ContractSchema.FileName})");
        command.SetAction(_ =>
        {
            context.Output.Write(ContractSchema.Generate());
            return AimsRiskCli.Success;
        });
        return command;
    }
}

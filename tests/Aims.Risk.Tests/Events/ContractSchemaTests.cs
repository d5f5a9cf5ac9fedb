using System.Text.Json;
using Aims.Risk.Core.Events;
using Aims.Risk.TestSupport;
using Json.Schema;

namespace Aims.Risk.Tests.Events;

public sealed class ContractSchemaTests
{
    private static readonly string Committed = Path.Combine(RepositoryRoot.Path, "deploy", "schemas", ContractSchema.FileName);

    [Fact]
    public void Committed_schema_is_the_one_generated_from_the_contract()
    {
        Assert.True(
            File.ReadAllText(Committed).ReplaceLineEndings("\n") == ContractSchema.Generate(),
            $"deploy/schemas/{ContractSchema.FileName} is stale: run 'dotnet run --project src/Aims.Risk.Cli -- schema > deploy/schemas/{ContractSchema.FileName}'");
    }

    [Fact]
    public void Schema_accepts_every_shipped_example_and_refuses_a_bad_enum()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Committed));
        var examples = Directory.GetFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json");

        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(example));
            Assert.True(schema.Evaluate(document.RootElement).IsValid, example);
        }

        using var bad = JsonDocument.Parse(SampleEvents.ValidJson.Replace("ModelDeployed", "ModelExploded", StringComparison.Ordinal));
        Assert.False(schema.Evaluate(bad.RootElement).IsValid);
    }
}

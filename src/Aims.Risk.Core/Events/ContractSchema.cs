using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Events;

/// <summary>
/// The JSON Schema of <see cref="AiSystemChanged"/>, generated from the contract type so that the schema
/// upstream pipelines validate against (<c>deploy/schemas/ai-system-changed.schema.json</c>) cannot drift
/// from the code: a test compares the committed file with this output.
/// </summary>
public static class ContractSchema
{
    public const string FileName = "ai-system-changed.schema.json";

    public static string Generate()
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (context.TypeInfo.Type == typeof(AttributeValue))
                {
                    return new JsonObject { ["type"] = new JsonArray("string", "number", "boolean") };
                }

                return node;
            },
        };
        var schema = ContractJson.Options.GetJsonSchemaAsNode(typeof(AiSystemChanged), exporter).AsObject();
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "urn:aims-risk:schemas:ai-system-changed",
            ["title"] = "AiSystemChanged",
            ["description"] = "Published by an MLOps pipeline when an AI system changes (Aims.Risk input contract). Unknown fields are ignored.",
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            document[key] = value;
        }

        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
    }
}

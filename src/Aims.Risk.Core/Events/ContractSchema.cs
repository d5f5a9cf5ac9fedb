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
                // The contract's own converters are opaque to the exporter: their schemas are written here.
                var type = context.TypeInfo.Type;
                var underlying = Nullable.GetUnderlyingType(type);
                if (type == typeof(AttributeValue))
                {
                    return new JsonObject { ["type"] = new JsonArray("string", "number", "boolean") };
                }

                if ((underlying ?? type).IsEnum)
                {
                    var names = new JsonArray([.. Enum.GetNames(underlying ?? type).Select(n => (JsonNode)n)]);
                    if (underlying is not null)
                    {
                        names.Add(null);
                    }

                    return new JsonObject { ["enum"] = names };
                }

                if (type == typeof(DateTimeOffset))
                {
                    return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
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

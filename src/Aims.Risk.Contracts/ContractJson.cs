using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aims.Risk.Contracts;

/// <summary>The JSON settings of the contracts: camelCase, strict on types, lenient on unknown fields.</summary>
public static class ContractJson
{
    /// <summary>Deep enough for the contract (four levels) with room to spare; deeper input is refused.</summary>
    public const int MaxDepth = 16;

    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            AllowDuplicateProperties = false,
            MaxDepth = MaxDepth,
        };
        options.Converters.Add(new OffsetDateTimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

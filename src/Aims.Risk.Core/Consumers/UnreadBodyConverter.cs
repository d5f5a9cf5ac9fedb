using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// The converter of a consumer's placeholder message type: accepts any JSON value without reading it, because the
/// consumer reads the raw body with its own strict reader (MassTransit's deserializer is lenient and names no field).
/// </summary>
public sealed class UnreadBodyConverter<T> : JsonConverter<T>
    where T : new()
{
    private static readonly T Instance = new();

    public override bool HandleNull => true;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        reader.Skip();
        return Instance;
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteEndObject();
    }
}

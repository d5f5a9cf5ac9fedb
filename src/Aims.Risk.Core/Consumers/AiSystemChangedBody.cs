using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// What MassTransit hands the consumer: nothing but the fact that a message arrived. MassTransit's own
/// deserializer is lenient and reports errors without the field's path, so the consumer reads the body
/// itself with <see cref="Events.AiSystemChangedReader"/>, the same strict reader the CLI uses. The URN is
/// the contract's, so MassTransit-enveloped <c>AiSystemChanged</c> messages reach this consumer too.
/// </summary>
[MessageUrn("Aims.Risk.Contracts:AiSystemChanged")]
[JsonConverter(typeof(Converter))]
public sealed record AiSystemChangedBody
{
    private static readonly AiSystemChangedBody Instance = new();

    /// <summary>Accepts any JSON value without reading it; the consumer reads the raw body.</summary>
    internal sealed class Converter : JsonConverter<AiSystemChangedBody>
    {
        public override bool HandleNull => true;

        public override AiSystemChangedBody Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return Instance;
        }

        public override void Write(Utf8JsonWriter writer, AiSystemChangedBody value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
    }
}

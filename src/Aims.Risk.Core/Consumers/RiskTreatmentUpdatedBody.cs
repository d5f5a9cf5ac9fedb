using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// What MassTransit hands the update consumer: only that a message arrived. The consumer reads the raw body with
/// <see cref="Risks.TreatmentUpdateReader"/>, strict as the event reader, instead of MassTransit's lenient deserializer.
/// </summary>
[MessageUrn("Aims.Risk.Contracts:RiskTreatmentUpdated")]
[JsonConverter(typeof(Converter))]
public sealed record RiskTreatmentUpdatedBody
{
    private static readonly RiskTreatmentUpdatedBody Instance = new();

    internal sealed class Converter : JsonConverter<RiskTreatmentUpdatedBody>
    {
        public override bool HandleNull => true;

        public override RiskTreatmentUpdatedBody Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return Instance;
        }

        public override void Write(Utf8JsonWriter writer, RiskTreatmentUpdatedBody value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
    }
}

using System.Text.Json.Serialization;
using MassTransit;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// What MassTransit hands the update consumer: only that a message arrived. The consumer reads the raw body with
/// <see cref="Risks.TreatmentUpdateReader"/>, strict as the event reader, instead of MassTransit's lenient deserializer.
/// </summary>
[MessageUrn("Aims.Risk.Contracts:RiskTreatmentUpdated")]
[JsonConverter(typeof(UnreadBodyConverter<RiskTreatmentUpdatedBody>))]
public sealed record RiskTreatmentUpdatedBody;

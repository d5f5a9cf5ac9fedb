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
[JsonConverter(typeof(UnreadBodyConverter<AiSystemChangedBody>))]
public sealed record AiSystemChangedBody;

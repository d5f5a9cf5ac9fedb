using System.Net.Mime;
using Aims.Risk.Core.Events;
using MassTransit;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Lets the input queue take structured CloudEvents: MassTransit picks a deserializer by content type and refuses
/// one it does not know, so <c>application/cloudevents+json</c> gets the plain JSON deserializer (which only checks
/// the body); the consumer unwraps the event with <see cref="CloudEventReader"/>.
/// </summary>
public sealed class CloudEventSerializerFactory(ISerializerFactory inner) : ISerializerFactory
{
    public ContentType ContentType { get; } = new(CloudEventReader.StructuredMediaType);

    public IMessageSerializer CreateSerializer() => inner.CreateSerializer();

    public IMessageDeserializer CreateDeserializer() => new Deserializer(inner.CreateDeserializer(), ContentType);

    private sealed class Deserializer(IMessageDeserializer inner, ContentType contentType) : IMessageDeserializer
    {
        public ContentType ContentType => contentType;

        public void Probe(ProbeContext context) => inner.Probe(context);

        public ConsumeContext Deserialize(ReceiveContext receiveContext) => inner.Deserialize(receiveContext);

        public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null) => inner.Deserialize(body, headers, destinationAddress);

        public MessageBody GetMessageBody(string text) => inner.GetMessageBody(text);
    }
}

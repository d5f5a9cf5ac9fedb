using System.Net.Mime;
using System.Text.Json;
using Aims.Risk.Core.Events;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Wraps one of MassTransit's serializer factories so that its deserializer checks the body first. MassTransit
/// parses a body before any consumer sees it, and its errors ("Operation is not valid due to the current state of
/// the object", "Value cannot be null. (Parameter 'envelope')") do not tell a publisher what is wrong; the check
/// throws an <see cref="InvalidEventException"/> that does, and that becomes the error queue's reason.
/// </summary>
public sealed partial class CheckedBodySerializerFactory(ISerializerFactory inner, CheckedBodySerializerFactory.BodyCheck check, ILogger? logger = null) : ISerializerFactory
{
    /// <summary>Throws <see cref="InvalidEventException"/> when the body cannot be what the deserializer expects.</summary>
    public delegate void BodyCheck(ReadOnlySpan<byte> body);

    public ContentType ContentType => inner.ContentType;

    /// <summary>Plain JSON: size, UTF-8 and JSON syntax, as <see cref="AiSystemChangedReader.CheckSyntax"/> checks them.</summary>
    public static BodyCheck PlainJson(int maxBytes) => body => AiSystemChangedReader.CheckSyntax(body, maxBytes);

    /// <summary>A MassTransit envelope: the same checks, and a <c>message</c> object inside.</summary>
    public static BodyCheck Envelope(int maxBytes) => body =>
    {
        try
        {
            AiSystemChangedReader.CheckSyntax(body, maxBytes);
        }
        catch (InvalidEventException ex)
        {
            throw new InvalidEventException($"the MassTransit envelope is not valid JSON: {ex.Message}");
        }

        var message = new Utf8JsonReader(body[AiSystemChangedReader.EnvelopeMessage(body)]);
        message.Read();
        if (message.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidEventException($"the MassTransit envelope's 'message' is a JSON {AiSystemChangedReader.KindOf(message.TokenType)}; an AiSystemChanged object is required");
        }
    };

    public IMessageSerializer CreateSerializer() => inner.CreateSerializer();

    public IMessageDeserializer CreateDeserializer() => new Deserializer(inner.CreateDeserializer(), check, logger ?? NullLogger.Instance);

    /// <summary>The refusal's one log line: the reason, no stack trace (MassTransit's own fault log is silenced in the settings).</summary>
    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} refused to the error queue: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? messageId, string reason);

    private sealed class Deserializer(IMessageDeserializer inner, BodyCheck check, ILogger logger) : IMessageDeserializer
    {
        public ContentType ContentType => inner.ContentType;

        public void Probe(ProbeContext context) => inner.Probe(context);

        public ConsumeContext Deserialize(ReceiveContext receiveContext)
        {
            ArgumentNullException.ThrowIfNull(receiveContext);

            try
            {
                // The default deserializer receives every content type that no other one claims: refuse the ones not listed.
                if (AcceptedContentTypes.Refusal(receiveContext.ContentType) is { } refusal)
                {
                    throw new InvalidEventException(refusal);
                }

                check(receiveContext.Body.GetBytes());
            }
            catch (InvalidEventException ex)
            {
                LogRefused(logger, receiveContext.TransportHeaders.Get<string>("MessageId") ?? receiveContext.GetMessageId()?.ToString(), ex.Message);
                throw;
            }

            return inner.Deserialize(receiveContext);
        }

        public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
        {
            ArgumentNullException.ThrowIfNull(body);
            check(body.GetBytes());
            return inner.Deserialize(body, headers, destinationAddress);
        }

        public MessageBody GetMessageBody(string text) => inner.GetMessageBody(text);
    }
}

using System.Text.Json;
using System.Text.Unicode;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Events;

/// <summary>
/// Reads an <see cref="AiSystemChanged"/> from a UTF-8 JSON body, strictly: the size, the encoding, the JSON,
/// the types, the required fields and the values are checked, and the first problem found in each of those
/// stages is reported with the field it concerns. Unknown fields are ignored (forward compatibility).
/// </summary>
public static class AiSystemChangedReader
{
    /// <summary>The default largest body accepted. A change event is a few kilobytes.</summary>
    public const int DefaultMaxBytes = 1 << 20;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>How bodies and envelopes are read: the contract's depth, no comments, no trailing commas.</summary>
    private static JsonReaderOptions ReaderOptions => new() { MaxDepth = ContractJson.MaxDepth };

    /// <summary>
    /// The checks that need no contract: size, encoding and JSON syntax (depth included). The worker runs them
    /// before the message bus parses the body, whose own errors would not say what is wrong in a publisher's terms.
    /// </summary>
    /// <exception cref="InvalidEventException">The body is not well-formed UTF-8 JSON; the message says why.</exception>
    public static void CheckSyntax(ReadOnlySpan<byte> body, int maxBytes = DefaultMaxBytes)
    {
        CheckBytes(body, maxBytes);
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.Null && reader.CurrentDepth == 0)
                {
                    throw new InvalidEventException("the body is JSON null; an AiSystemChanged object is required");
                }
            }
        }
        catch (JsonException)
        {
            throw new InvalidEventException(JsonRefusalText.Syntax(body, ReaderOptions) ?? "invalid JSON");
        }
    }

    /// <exception cref="InvalidEventException">The body is not a valid AiSystemChanged; the message says why.</exception>
    public static AiSystemChanged Read(ReadOnlySpan<byte> body, TimeProvider clock, int maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(clock);
        CheckBytes(body, maxBytes);
        AiSystemChanged? change;
        try
        {
            change = JsonSerializer.Deserialize<AiSystemChanged>(body, ContractJson.Options);
        }
        catch (JsonException ex)
        {
            // No inner exception: the error queue's reason is this message, and nothing of the serializer's is needed.
            throw new InvalidEventException(JsonRefusalText.For(ex, body, typeof(AiSystemChanged), ContractJson.Options));
        }
        catch (NotSupportedException ex)
        {
            throw new InvalidEventException($"the body cannot be read as AiSystemChanged: {ex.Message}");
        }

        if (change is null)
        {
            throw new InvalidEventException("the body is JSON null; an AiSystemChanged object is required");
        }

        var problems = AiSystemChangedValidator.Validate(change, clock.GetUtcNow());
        if (problems.Count > 0)
        {
            throw new InvalidEventException(string.Join("; ", problems));
        }

        return change;
    }

    /// <summary>
    /// Where the <c>message</c> of a MassTransit envelope lies in the envelope's bytes: the event is read from the bytes
    /// the publisher sent, never from a re-serialised copy. An envelope with two <c>message</c> members is refused, as
    /// MassTransit and this reader might each take a different one; so is an envelope with a <c>faultAddress</c> or a
    /// <c>responseAddress</c>, which would make the worker send to an address the publisher chose.
    /// </summary>
    /// <exception cref="InvalidEventException">The envelope is not a JSON object with exactly one <c>message</c>.</exception>
    public static Range EnvelopeMessage(ReadOnlySpan<byte> envelope)
    {
        var reader = new Utf8JsonReader(envelope, ReaderOptions);
        Range? message = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidEventException($"the MassTransit envelope is a JSON {KindOf(reader.TokenType)}, not an object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMessage = reader.ValueTextEquals("message"u8);
                var isReturnAddress = reader.ValueTextEquals("faultAddress"u8) || reader.ValueTextEquals("responseAddress"u8);
                var name = reader.GetString();
                reader.Read();
                if (isReturnAddress && reader.TokenType != JsonTokenType.Null)
                {
                    // MassTransit would send the fault of a refused message there, declaring the exchange it names.
                    throw new InvalidEventException($"the MassTransit envelope names a {name}; an AiSystemChanged is an event, answered to nobody: send it without one");
                }

                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (isMessage)
                {
                    message = message is null
                        ? start..(int)reader.BytesConsumed
                        : throw new InvalidEventException("the MassTransit envelope has more than one 'message'");
                }
            }
        }
        catch (JsonException)
        {
            throw new InvalidEventException($"the MassTransit envelope is not valid JSON: {JsonRefusalText.Syntax(envelope, ReaderOptions) ?? "invalid JSON"}");
        }

        return message ?? throw new InvalidEventException("the MassTransit envelope has no 'message'");
    }

    /// <summary>The JSON kind of a value that starts with this token, in a publisher's words.</summary>
    public static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => "value",
    };

    private static void CheckBytes(ReadOnlySpan<byte> body, int maxBytes)
    {
        if (body.Length == 0)
        {
            throw new InvalidEventException("the body is empty; an AiSystemChanged JSON object is required");
        }

        if (body.Length > maxBytes)
        {
            throw new InvalidEventException($"the body is {body.Length} bytes; the limit is {maxBytes} bytes");
        }

        if (!Utf8.IsValid(body))
        {
            throw new InvalidEventException("the body is not valid UTF-8 text");
        }

        if (body.StartsWith(Utf8Bom))
        {
            throw new InvalidEventException("the body starts with a byte order mark (EF BB BF); send UTF-8 JSON without one");
        }
    }
}

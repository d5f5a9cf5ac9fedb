using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aims.Risk.Contracts;

/// <summary>
/// Timestamps travel as RFC 3339 text with an offset (<c>Z</c> or <c>±hh:mm</c>). Without one, .NET would read the
/// time in the reading server's zone, so the same event would mean different instants on different machines.
/// </summary>
public sealed class OffsetDateTimeConverter : JsonConverter<DateTimeOffset>
{
    /// <summary><c>yyyy-MM-dd</c>: an offset sign can only come after the date.</summary>
    private const int DateLength = 10;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // A JsonException without a message: the serializer fills in the type and the path.
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
        {
            throw new JsonException();
        }

        // Read as it is, without a string of it, when it holds no escapes (a timestamp that parsed is ASCII, so a byte's
        // index is its character's).
        if (!reader.HasValueSequence && !reader.ValueIsEscaped && HasOffset(reader.ValueSpan))
        {
            return value;
        }

        var text = reader.GetString()!;
        var hasOffset = text.EndsWith('Z') || text.IndexOfAny(['+', '-'], Math.Min(DateLength, text.Length)) >= 0;
        return hasOffset
            ? value
            : throw new ContractValueException($"'{text}' has no offset; expected an RFC 3339 timestamp with Z or ±hh:mm, such as 2026-11-29T11:00:00Z");
    }

    private static bool HasOffset(ReadOnlySpan<byte> text) =>
        (text.Length > 0 && text[^1] == (byte)'Z') || text[Math.Min(DateLength, text.Length)..].IndexOfAny((byte)'+', (byte)'-') >= 0;

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

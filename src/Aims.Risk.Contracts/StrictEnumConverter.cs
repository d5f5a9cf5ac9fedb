using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aims.Risk.Contracts;

/// <summary>
/// Enums travel as exactly one of their names, in any letter case. Everything else is refused: numbers
/// (<c>"changeType": 3</c> is almost always a publisher bug, and would let an out-of-range value through), and
/// the forms .NET's own enum parsing also accepts — comma-combined flags (<c>"Internal, Public"</c>, read as a third
/// value) and names padded with whitespace — which would be stored as a value the publisher never sent.
/// </summary>
public sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>Longer than any name; a longer token is read as a string and refused.</summary>
    private const int MaxNameLength = 64;

    private static readonly FrozenDictionary<string, TEnum> ByName =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => v.ToString(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The same names, looked up by the characters of the token: no string per value read.</summary>
    private static readonly FrozenDictionary<string, TEnum>.AlternateLookup<ReadOnlySpan<char>> ByChars = ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenDictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => v.ToString());

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // A JsonException without a message: the serializer fills in the type and the path, which callers turn into
        // "expected one of" the names.
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException();
        }

        if (!reader.HasValueSequence && reader.ValueSpan.Length <= MaxNameLength)
        {
            Span<char> name = stackalloc char[MaxNameLength];
            return ByChars.TryGetValue(name[..reader.CopyString(name)], out var found) ? found : throw new JsonException();
        }

        return reader.GetString() is { } text && ByName.TryGetValue(text, out var value) ? value : throw new JsonException();
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Names.TryGetValue(value, out var name)
            ? name
            : throw new JsonException($"{value} is not a defined {typeof(TEnum).Name}"));
    }
}

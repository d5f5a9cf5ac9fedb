using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aims.Risk.Contracts;

/// <summary>A free-form attribute: a string, a number or a boolean (the contract allows nothing else).</summary>
[JsonConverter(typeof(AttributeValueConverter))]
public sealed record AttributeValue
{
    private static readonly AttributeValue True = new() { Flag = true };

    private static readonly AttributeValue False = new() { Flag = false };

    public string? Text { get; init; }

    public double? Number { get; init; }

    public bool? Flag { get; init; }

    public static AttributeValue Of(string value) => new() { Text = value };

    public static AttributeValue Of(double value) => new() { Number = value };

    /// <summary>Immutable, so the two flags are shared.</summary>
    public static AttributeValue Of(bool value) => value ? True : False;

    public override string ToString() =>
        Text ?? Number?.ToString(CultureInfo.InvariantCulture) ?? (Flag is { } b ? (b ? "true" : "false") : "");
}

/// <summary>Reads and writes <see cref="AttributeValue"/> as a bare JSON string, number or boolean.</summary>
public sealed class AttributeValueConverter : JsonConverter<AttributeValue>
{
    public override AttributeValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => AttributeValue.Of(reader.GetString()!),
            // A number beyond a double's range would be read as infinity, which the canonical payload cannot be written with.
            JsonTokenType.Number => reader.TryGetDouble(out var number) && double.IsFinite(number)
                ? AttributeValue.Of(number)
                : throw new ContractValueException("an attribute number must be within the range of a double (about ±1.8e308)"),
            JsonTokenType.True => AttributeValue.Of(true),
            JsonTokenType.False => AttributeValue.Of(false),
            _ => throw new ContractValueException($"an attribute must be a string, a number or a boolean, not {Kind(reader.TokenType)}"),
        };

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    public override void Write(Utf8JsonWriter writer, AttributeValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Text is not null)
        {
            writer.WriteStringValue(value.Text);
        }
        else if (value.Number is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else if (value.Flag is { } flag)
        {
            writer.WriteBooleanValue(flag);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

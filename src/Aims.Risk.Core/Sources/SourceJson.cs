using System.Globalization;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;

namespace Aims.Risk.Core.Sources;

/// <summary>Reading platform payloads: each missing or mistyped field is reported with its path.</summary>
internal static class SourceJson
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> body, string what)
    {
        if (body.IsEmpty)
        {
            throw new SourceFormatException($"the body is empty; {what} is expected");
        }

        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            throw new SourceFormatException($"the body is not valid JSON ({what} is expected): {JsonRefusalText.Syntax(body.Span, new JsonReaderOptions { MaxDepth = 64 }) ?? "invalid JSON"}");
        }
    }

    public static JsonElement Object(JsonElement parent, string name, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            throw new SourceFormatException($"{path}.{name}: missing or not an object");
        }

        return value;
    }

    public static string String(JsonElement parent, string name, string path) =>
        OptionalString(parent, name, path) is { Length: > 0 } value ? value : throw new SourceFormatException($"{path}.{name}: missing or empty");

    public static string? OptionalString(JsonElement parent, string name, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new SourceFormatException($"{path}.{name}: a string is expected, not {value.ValueKind.ToString().ToLowerInvariant()}"),
        };
    }

    public static DateTimeOffset? OptionalTime(JsonElement parent, string name, string path) =>
        OptionalString(parent, name, path) is { } text
            ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? time
                : throw new SourceFormatException($"{path}.{name}: '{text}' is not a timestamp")
            : null;

    /// <summary>An object of tags as strings (platforms send strings; numbers and booleans are kept as their JSON text).</summary>
    public static Dictionary<string, string> Tags(JsonElement parent, string name, string path)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return tags;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SourceFormatException($"{path}.{name}: an object of tags is expected, not {value.ValueKind.ToString().ToLowerInvariant()}");
        }

        foreach (var tag in value.EnumerateObject())
        {
            tags[tag.Name] = tag.Value.ValueKind switch
            {
                JsonValueKind.String => tag.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => tag.Value.GetRawText(),
                _ => throw new SourceFormatException($"{path}.{name}.{tag.Name}: a tag value must be a string"),
            };
        }

        return tags;
    }

    public static Dictionary<string, AttributeValue> Attributes(params (string Key, string? Value)[] values) =>
        values.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => AttributeValue.Of(v.Value!), StringComparer.Ordinal);
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Events;

/// <summary>
/// Why a JSON body is refused, for the people who sent it: what is wrong and where. Built from what the reader knows
/// (the position of a syntax error and the token before it, the path the serializer was at, the JSON found there and
/// the contract's type at that path), never from System.Text.Json's messages, whose wording belongs to the runtime and
/// may change or be translated. Runs only once a body has been refused, so it may read the body again.
/// </summary>
public static class JsonRefusalText
{
    /// <summary>The most of an offending token a reason quotes.</summary>
    private const int ExcerptLength = 24;

    /// <summary>What ends a token: white space and JSON's punctuation.</summary>
    private static readonly SearchValues<byte> TokenEnds = SearchValues.Create(" \t\r\n{}[],:"u8);

    /// <summary>
    /// The first syntax problem of <paramref name="body"/> read with <paramref name="options"/> (its depth limit
    /// included), as <c>invalid JSON at line L, column C: what</c>; null when the body is well-formed.
    /// </summary>
    public static string? Syntax(ReadOnlySpan<byte> body, JsonReaderOptions options = default)
    {
        var maxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth;

        // One level more than allowed, so that the depth is checked here, where the token is known.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions
        {
            MaxDepth = maxDepth + 1,
            CommentHandling = options.CommentHandling,
            AllowTrailingCommas = options.AllowTrailingCommas,
        });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= maxDepth)
                {
                    return At(body, (int)reader.TokenStartIndex, $"nested deeper than the maximum depth of {maxDepth}");
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            var consumed = (int)reader.BytesConsumed;
            var offset = Math.Max(consumed, Offset(body, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0));
            var next = SkipWhiteSpace(body, consumed);
            if (SkipWhiteSpace(body, offset) >= body.Length)
            {
                return At(body, body.Length, "the JSON ends before it is complete");
            }

            if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.None or JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName))
            {
                return At(body, next, "more JSON after the end of the first value");
            }

            if (body[next] == '/' && options.CommentHandling == JsonCommentHandling.Disallow)
            {
                return At(body, next, "a comment; comments are not allowed");
            }

            // The reader may have taken the comma already, or not yet.
            var comma = body[next] == ',' ? next : body[..next].TrimEnd(" \t\r\n"u8) is [.., (byte)','] before ? before.Length - 1 : -1;
            if (comma >= 0 && SkipWhiteSpace(body, comma + 1) is var closing && closing < body.Length && body[closing] is (byte)'}' or (byte)']')
            {
                return At(body, comma, $"a comma before '{(char)body[closing]}'");
            }

            if (body[offset] < 0x20 || !Utf8.IsValid(Token(body, next)))
            {
                return At(body, offset, $"unexpected byte 0x{body[offset]:X2}");
            }

            return At(body, next, $"unexpected '{Excerpt(body, next)}'");
        }
    }

    /// <summary>
    /// Why the serializer refused <paramref name="body"/> as <paramref name="type"/>: a syntax problem as
    /// <see cref="Syntax"/> says it; otherwise the path of <paramref name="refusal"/> with what is there and what the
    /// contract expects there (<c>$.changeType: wrong value or type; expected one of ...</c>), a missing required
    /// member, a null, a duplicate property, or the reason of a <see cref="ContractValueException"/>.
    /// </summary>
    /// <param name="readerOptions">How the body was read, when not by the serializer itself (comments, depth).</param>
    public static string For(JsonException refusal, ReadOnlySpan<byte> body, Type type, JsonSerializerOptions options, JsonReaderOptions? readerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        var reading = readerOptions ?? new JsonReaderOptions
        {
            MaxDepth = options.MaxDepth,
            CommentHandling = options.ReadCommentHandling,
            AllowTrailingCommas = options.AllowTrailingCommas,
        };
        if (Syntax(body, reading) is { } syntax)
        {
            return syntax;
        }

        if (!Utf8.IsValid(body))
        {
            return "the body is not valid UTF-8 text";
        }

        var where = refusal.Path is null or "$" ? "the body" : refusal.Path;
        if (refusal is ContractValueException)
        {
            return $"{where}: {refusal.Message}";
        }

        if (Segments(refusal.Path) is not { } segments)
        {
            return $"{where}: not a value the contract allows here";
        }

        using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions
        {
            MaxDepth = reading.MaxDepth,
            CommentHandling = reading.CommentHandling == JsonCommentHandling.Disallow ? JsonCommentHandling.Disallow : JsonCommentHandling.Skip,
            AllowTrailingCommas = reading.AllowTrailingCommas,
        });
        JsonElement? value = document.RootElement;
        Type? expected = type;
        for (var i = 0; i < segments.Count; i++)
        {
            var (parent, segment) = (value, segments[i]);
            (value, expected) = Step(value, expected, segment, options);
            if (i == segments.Count - 1 && segment.Name is { } name && parent is { ValueKind: JsonValueKind.Object } owner
                && owner.EnumerateObject().Count(p => p.NameEquals(name)) > 1)
            {
                return $"{(segment.Start == 1 ? "the body" : refusal.Path![..segment.Start])}: duplicate property '{name}'";
            }
        }

        if (expected is null)
        {
            return $"{where}: not a value the contract allows here";
        }

        var info = options.GetTypeInfo(expected);
        if (value is { ValueKind: JsonValueKind.Object } found && info.Kind == JsonTypeInfoKind.Object
            && info.Properties.Where(p => p.IsRequired && !found.TryGetProperty(p.Name, out _)).Select(p => $"'{p.Name}'").ToList() is { Count: > 0 } missing)
        {
            return $"{where}: {expected.Name} is missing required properties: {string.Join(", ", missing)}";
        }

        return value switch
        {
            { ValueKind: JsonValueKind.Null } => $"{where}: must not be null",
            { ValueKind: JsonValueKind.String } when expected == typeof(string) => $"{where}: not valid Unicode text (an unpaired surrogate escape)",
            _ => $"{where}: wrong value or type; expected {Expected(expected, options)}",
        };
    }

    /// <summary>What the contract takes for a value of <paramref name="type"/>, in a publisher's words.</summary>
    public static string Expected(Type type, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }

        if (Scalars.TryGetValue(type, out var scalar))
        {
            return scalar;
        }

        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable when options.GetTypeInfo(info.ElementType!).Kind == JsonTypeInfoKind.Object => $"an array of {info.ElementType!.Name} objects",
            JsonTypeInfoKind.Enumerable => $"an array whose items are each {Expected(info.ElementType!, options)}",
            JsonTypeInfoKind.Dictionary => $"an object whose values are each {Expected(info.ElementType!, options)}",
            JsonTypeInfoKind.Object => $"an object ({type.Name})",
            _ => $"a {type.Name}",
        };
    }

    private static readonly Dictionary<Type, string> Scalars = new()
    {
        [typeof(string)] = "a string",
        [typeof(Guid)] = "a UUID string",
        [typeof(DateTimeOffset)] = "an RFC 3339 timestamp string",
        [typeof(bool)] = "true or false",
        [typeof(int)] = string.Create(CultureInfo.InvariantCulture, $"a whole number from {int.MinValue} to {int.MaxValue}"),
        [typeof(long)] = string.Create(CultureInfo.InvariantCulture, $"a whole number from {long.MinValue} to {long.MaxValue}"),
        [typeof(double)] = "a number",
        [typeof(AttributeValue)] = "a string, a number or a boolean",
    };

    /// <summary>One step along a path: the JSON there (null where there is none) and the contract's type there (null where it has none).</summary>
    private static (JsonElement? Value, Type? Type) Step(JsonElement? value, Type? type, Segment segment, JsonSerializerOptions options)
    {
        var info = type is null ? null : options.GetTypeInfo(type);
        if (segment.Name is { } name)
        {
            JsonElement? next = value is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var p) ? p : null;
            return (next, info?.Kind switch
            {
                JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(m => m.Name == name)?.PropertyType,
                JsonTypeInfoKind.Dictionary => info.ElementType,
                _ => null,
            });
        }

        JsonElement? item = value is { ValueKind: JsonValueKind.Array } a && segment.Index < a.GetArrayLength() ? a[segment.Index] : null;
        return (item, info?.Kind == JsonTypeInfoKind.Enumerable ? info.ElementType : null);
    }

    /// <summary>A step of a serializer path: a member name (<c>.name</c> or <c>['name']</c>) or an array index, and where it starts in the path.</summary>
    private readonly record struct Segment(int Start, string? Name, int Index);

    /// <summary>The steps of a path as System.Text.Json writes it (<c>$.a.b[0]['c.d']</c>); null when it is not one.</summary>
    private static List<Segment>? Segments(string? path)
    {
        if (path is not ['$', ..])
        {
            return null;
        }

        var segments = new List<Segment>();
        var i = 1;
        while (i < path.Length)
        {
            var start = i;
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                segments.Add(new Segment(start, path[(i + 1)..end], -1));
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['", StringComparison.Ordinal))
            {
                var name = new StringBuilder();
                var j = i + 2;
                for (; j < path.Length && !(path[j] == '\'' && j + 1 < path.Length && path[j + 1] == ']'); j++)
                {
                    j += path[j] == '\\' && j + 1 < path.Length && path[j + 1] == '\'' ? 1 : 0;
                    name.Append(path[j]);
                }

                if (j >= path.Length)
                {
                    return null;
                }

                segments.Add(new Segment(start, name.ToString(), -1));
                i = j + 2;
            }
            else if (path[i] == '[' && path.IndexOf(']', i) is var close and > 0
                     && int.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                segments.Add(new Segment(start, null, index));
                i = close + 1;
            }
            else
            {
                return null;
            }
        }

        return segments;
    }

    private static string At(ReadOnlySpan<byte> body, int offset, string what)
    {
        var before = body[..Math.Min(offset, body.Length)];
        var line = before.Count((byte)'\n') + 1;
        var column = before.Length - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"invalid JSON at line {line}, column {column}: {what}");
    }

    /// <summary>The byte offset of a reader position (line and byte in line, from 0).</summary>
    private static int Offset(ReadOnlySpan<byte> body, long line, long byteInLine)
    {
        var start = 0;
        for (var l = 0L; l < line && start < body.Length; l++)
        {
            var newline = body[start..].IndexOf((byte)'\n');
            start = newline < 0 ? body.Length : start + newline + 1;
        }

        return (int)Math.Min(body.Length, start + byteInLine);
    }

    private static int SkipWhiteSpace(ReadOnlySpan<byte> body, int offset)
    {
        while (offset < body.Length && body[offset] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            offset++;
        }

        return offset;
    }

    /// <summary>The token that starts at <paramref name="offset"/>: up to white space or punctuation.</summary>
    private static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> body, int offset)
    {
        var token = body[offset..];
        var end = token[1..].IndexOfAny(TokenEnds);
        return end < 0 ? token : token[..(end + 1)];
    }

    /// <summary>The token that starts at <paramref name="offset"/>, shortened, to quote.</summary>
    private static string Excerpt(ReadOnlySpan<byte> body, int offset)
    {
        var text = Encoding.UTF8.GetString(Token(body, offset));
        return text.Length <= ExcerptLength ? text : text[..ExcerptLength] + "…";
    }
}

using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Sources;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Aims.Risk.Core.Events;

/// <summary>
/// CloudEvents 1.0 around an <c>AiSystemChanged</c>: structured (content type <c>application/cloudevents+json</c>)
/// or binary (attributes in headers: <c>cloudEvents_</c> and <c>cloudEvents:</c> as the AMQP binding names them,
/// <c>ce-</c> as the HTTP binding does; no AMQP 0-9-1 binding exists, so the input queue accepts all three). The
/// CNCF SDK parses and validates the event; this class finds the attributes and turns the data into the contract.
/// </summary>
public static class CloudEventReader
{
    public const string StructuredMediaType = "application/cloudevents+json";
    public const string BatchMediaType = "application/cloudevents-batch+json";

    /// <summary>The CloudEvent type whose data is an <c>AiSystemChanged</c>.</summary>
    public const string ChangeEventType = "aims.risk.ai-system-changed";

    private static readonly string[] HeaderPrefixes = ["cloudEvents_", "cloudEvents:", "ce-", "ce_"];

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>Whether a message is a CloudEvent: the structured content type, or a <c>specversion</c> header.</summary>
    public static bool IsCloudEvent(string? mediaType, IEnumerable<KeyValuePair<string, string?>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return string.Equals(mediaType, StructuredMediaType, StringComparison.OrdinalIgnoreCase)
            || headers.Any(h => AttributeName(h.Key) == "specversion");
    }

    /// <summary>Reads a CloudEvent in structured or binary mode; null when the message is not one.</summary>
    /// <exception cref="InvalidEventException">It is a CloudEvent, but not a valid one; the message says why.</exception>
    public static CloudEvent? Read(string? mediaType, IEnumerable<KeyValuePair<string, string?>> headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        try
        {
            if (string.Equals(mediaType, StructuredMediaType, StringComparison.OrdinalIgnoreCase))
            {
                return Validated(Formatter.DecodeStructuredModeMessage(body, new ContentType(StructuredMediaType), null));
            }

            var attributes = headers
                .Select(h => (Name: AttributeName(h.Key), h.Value))
                .Where(a => a.Name is not null && a.Value is not null)
                .GroupBy(a => a.Name!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Value!, StringComparer.Ordinal);
            if (!attributes.TryGetValue("specversion", out var specVersion))
            {
                return null;
            }

            var cloudEvent = new CloudEvent(CloudEventsSpecVersion.FromVersionId(specVersion)
                ?? throw new InvalidEventException($"CloudEvent specversion '{specVersion}' is not supported; 1.0 is"));
            foreach (var (name, value) in attributes.Where(a => a.Key is not "specversion" and not "datacontenttype"))
            {
                cloudEvent.SetAttributeFromString(name, value);
            }

            // Binary mode: the data's media type is the message's content type.
            cloudEvent.DataContentType = mediaType ?? attributes.GetValueOrDefault("datacontenttype");
            Formatter.DecodeBinaryModeEventData(body, cloudEvent);
            return Validated(cloudEvent);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or JsonException or InvalidOperationException)
        {
            throw new InvalidEventException($"not a valid CloudEvent: {ex.Message}");
        }
    }

    /// <summary>
    /// The AMQP consumer's view: the <c>AiSystemChanged</c> body inside a CloudEvent, or null when the message is
    /// not a CloudEvent (then it is read as plain JSON).
    /// </summary>
    /// <exception cref="InvalidEventException">An invalid CloudEvent, or one of another type.</exception>
    public static byte[]? TryUnwrap(string? mediaType, IEnumerable<KeyValuePair<string, object>> transportHeaders, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(transportHeaders);
        var headers = transportHeaders.Select(h => new KeyValuePair<string, string?>(h.Key, h.Value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
        })).ToList();
        if (!IsCloudEvent(mediaType, headers))
        {
            return null;
        }

        var cloudEvent = Read(mediaType, headers, body)!;
        return cloudEvent.Type == ChangeEventType
            ? ChangeBody(cloudEvent)
            : throw new InvalidEventException($"CloudEvent type '{cloudEvent.Type}' is not {ChangeEventType}; platform event types are accepted on the worker's HTTP intake (POST /events)");
    }

    /// <summary>
    /// The data of an <c>aims.risk.ai-system-changed</c> event as <c>AiSystemChanged</c> JSON. What the data lacks the
    /// envelope gives: <c>eventId</c> = UUIDv5 of the CloudEvent's source and id (unique by the spec), <c>source</c>,
    /// <c>occurredAt</c> = <c>time</c>. The result is then read strictly like any event.
    /// </summary>
    /// <exception cref="InvalidEventException">The data is not a JSON object.</exception>
    public static byte[] ChangeBody(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        JsonObject data;
        try
        {
            data = DataJson(cloudEvent) is { } json && JsonNode.Parse(json.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) is JsonObject o
                ? o
                : throw new InvalidEventException($"CloudEvent {cloudEvent.Id}: data must be an AiSystemChanged JSON object");
        }
        catch (JsonException)
        {
            throw new InvalidEventException($"CloudEvent {cloudEvent.Id}: data is not valid JSON: {JsonRefusalText.Syntax((DataJson(cloudEvent) ?? default).Span, new JsonReaderOptions { MaxDepth = 64 }) ?? "invalid JSON"}");
        }

        if (!data.ContainsKey("eventId"))
        {
            data["eventId"] = SourceEventIds.For(cloudEvent.Source!.ToString(), cloudEvent.Id!).ToString();
        }

        if (!data.ContainsKey("source"))
        {
            data["source"] = cloudEvent.Source!.ToString();
        }

        if (!data.ContainsKey("occurredAt") && cloudEvent.Time is { } time)
        {
            data["occurredAt"] = time.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        return JsonSerializer.SerializeToUtf8Bytes(data);
    }

    /// <summary>The data as JSON text: parsed JSON, or bytes/text (a binary-mode body, <c>data_base64</c>).</summary>
    public static ReadOnlyMemory<byte>? DataJson(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        return cloudEvent.Data switch
        {
            JsonElement element => JsonSerializer.SerializeToUtf8Bytes(element),
            byte[] bytes => bytes,
            string text => Encoding.UTF8.GetBytes(text),
            _ => null,
        };
    }

    private static CloudEvent Validated(CloudEvent cloudEvent) =>
        cloudEvent.IsValid ? cloudEvent : throw new InvalidEventException("not a valid CloudEvent: id, source, type and specversion are required");

    private static string? AttributeName(string header)
    {
        foreach (var prefix in HeaderPrefixes)
        {
            if (header.Length > prefix.Length && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return header[prefix.Length..].ToLowerInvariant();
            }
        }

        return null;
    }
}

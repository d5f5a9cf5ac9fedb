using System.Net.Mime;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// The content types the input queue accepts, in one place: a message with any other is refused before its body is
/// read. A body without a content type is read as plain JSON (many publishers set none).
/// </summary>
public static class AcceptedContentTypes
{
    /// <summary>A plain <c>AiSystemChanged</c> JSON body.</summary>
    public const string Json = "application/json";

    /// <summary>MassTransit's envelope, with the event as its <c>message</c>.</summary>
    public const string MassTransitEnvelope = "application/vnd.masstransit+json";

    /// <summary>Every media type accepted; a new one is added here and given a deserializer in the bus registration.</summary>
    public static IReadOnlyList<string> MediaTypes { get; } = [Json, MassTransitEnvelope, Events.CloudEventReader.StructuredMediaType];

    /// <summary>Null when a message with this content type may be read; otherwise the reason it is refused.</summary>
    public static string? Refusal(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        ContentType parsed;
        try
        {
            parsed = new ContentType(contentType);
        }
        catch (FormatException)
        {
            return Refused(contentType);
        }

        return Refusal(parsed);
    }

    /// <summary>Null when a message with this content type may be read; otherwise the reason it is refused.</summary>
    public static string? Refusal(ContentType? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        if (!MediaTypes.Contains(contentType.MediaType, StringComparer.OrdinalIgnoreCase))
        {
            return Refused(contentType.ToString());
        }

        // JSON is UTF-8 (RFC 8259); a body declared in another charset would be misread.
        return contentType.CharSet is null || string.Equals(contentType.CharSet, "utf-8", StringComparison.OrdinalIgnoreCase)
            ? null
            : Refused(contentType.ToString());
    }

    private static string Refused(string contentType) =>
        $"the content type '{contentType}' is not accepted; send {string.Join(" or ", MediaTypes)} (UTF-8), or no content type";
}

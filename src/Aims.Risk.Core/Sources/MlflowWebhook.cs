using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Sources;

/// <summary>
/// MLflow 3 model registry webhooks: the signature scheme (Standard Webhooks style: <c>v1,</c> + base64
/// HMAC-SHA256 over <c>"{delivery id}.{timestamp}.{raw body}"</c>) and the mapping of the payload
/// <c>{"entity", "action", "timestamp", "data"}</c> to a <see cref="PlatformChange"/>.
/// </summary>
public static class MlflowWebhook
{
    public const string Platform = "mlflow";
    public const string SignatureHeader = "X-MLflow-Signature";
    public const string DeliveryIdHeader = "X-MLflow-Delivery-Id";
    public const string TimestampHeader = "X-MLflow-Timestamp";
    private const string SignatureVersion = "v1,";

    /// <summary>Checks the delivery's signature and its age. Returns null when it is genuine and fresh, otherwise why not.</summary>
    public static string? Verify(string secret, string? deliveryId, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan maxSkew)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(signature))
        {
            return $"the {SignatureHeader} header is missing: set a secret on the MLflow webhook";
        }

        if (string.IsNullOrEmpty(deliveryId) || string.IsNullOrEmpty(timestamp))
        {
            return $"the {DeliveryIdHeader} and {TimestampHeader} headers are required";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return $"{TimestampHeader} '{timestamp}' is not a Unix time in seconds";
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > maxSkew)
        {
            return $"{TimestampHeader} is {Math.Round(age.TotalSeconds)} s from this server's clock; the limit is {maxSkew.TotalSeconds} s (stale, replayed, or a clock out of sync)";
        }

        var prefix = Encoding.UTF8.GetBytes($"{deliveryId}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);

        // Standard Webhooks allows several space-separated signatures (secret rotation); MLflow sends one.
        foreach (var candidate in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!candidate.StartsWith(SignatureVersion, StringComparison.Ordinal))
            {
                continue;
            }

            var given = new byte[expected.Length];
            if (Convert.TryFromBase64String(candidate[SignatureVersion.Length..], given, out var written)
                && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return null;
            }
        }

        return $"the {SignatureHeader} does not match the body signed with the configured secret";
    }

    /// <summary>Maps a verified delivery. Event types that are no change to assess are ignored with the reason.</summary>
    /// <exception cref="SourceFormatException">The body is not an MLflow webhook payload.</exception>
    public static MappingResult Map(ReadOnlyMemory<byte> body, string deliveryId, DateTimeOffset deliveredAt, IReadOnlyCollection<string> deployAliases, string tagPrefix)
    {
        ArgumentNullException.ThrowIfNull(deployAliases);
        ArgumentNullException.ThrowIfNull(tagPrefix);
        using var document = SourceJson.Parse(body, "an MLflow webhook payload");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SourceFormatException("the body is not a JSON object; an MLflow webhook payload {\"entity\", \"action\", \"data\"} is expected");
        }

        var eventType = $"{SourceJson.String(root, "entity", "$")}.{SourceJson.String(root, "action", "$")}";
        var data = SourceJson.Object(root, "data", "$");
        var occurredAt = SourceJson.OptionalTime(root, "timestamp", "$") ?? deliveredAt;
        return MapData(eventType, data, SourceEventIds.For(Platform, deliveryId), occurredAt, Platform, deployAliases, tagPrefix);
    }

    /// <summary>Maps the <c>data</c> of an MLflow event <c>&lt;entity&gt;.&lt;action&gt;</c> (also used for CloudEvents of type <c>mlflow.&lt;entity&gt;.&lt;action&gt;</c>).</summary>
    public static MappingResult MapData(string eventType, JsonElement data, Guid eventId, DateTimeOffset occurredAt, string source, IReadOnlyCollection<string> deployAliases, string tagPrefix)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(deployAliases);
        ArgumentNullException.ThrowIfNull(tagPrefix);
        const string path = "$.data";
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new SourceFormatException($"{path}: missing or not an object");
        }

        var name = SourceJson.String(data, "name", path);
        var version = SourceJson.OptionalString(data, "version", path);
        PlatformChange Change(ChangeType type, IReadOnlyDictionary<string, string> tags) => new()
        {
            Platform = Platform,
            Model = name,
            EventId = eventId,
            OccurredAt = occurredAt,
            Source = source,
            ChangeType = type,
            ModelInfo = new ModelInfo { Name = name, Version = version },
            Tags = tags,
            Attributes = SourceJson.Attributes(
                ("mlflow.event", eventType),
                ("mlflow.source", SourceJson.OptionalString(data, "source", path)),
                ("mlflow.runId", SourceJson.OptionalString(data, "run_id", path)),
                ("mlflow.alias", SourceJson.OptionalString(data, "alias", path))),
        };

        switch (eventType)
        {
            case "registered_model.created":
                return MappingResult.Of(Change(ChangeType.ModelRegistered, SourceJson.Tags(data, "tags", path)));
            case "model_version.created":
                SourceJson.String(data, "version", path);
                return MappingResult.Of(Change(ChangeType.ModelRetrained, SourceJson.Tags(data, "tags", path)));
            case "model_version_tag.set":
                var key = SourceJson.String(data, "key", path);
                if (!key.StartsWith(tagPrefix, StringComparison.Ordinal))
                {
                    return MappingResult.Ignore($"MLflow tag '{key}' on {name} v{version} is not an assessment tag (prefix '{tagPrefix}')");
                }

                return MappingResult.Of(Change(ChangeType.ConfigurationChanged, new Dictionary<string, string>(StringComparer.Ordinal) { [key] = SourceJson.OptionalString(data, "value", path) ?? "" }));
            case "model_version_alias.created":
                var alias = SourceJson.String(data, "alias", path);
                SourceJson.String(data, "version", path);
                return deployAliases.Contains(alias, StringComparer.Ordinal)
                    ? MappingResult.Of(Change(ChangeType.ModelDeployed, new Dictionary<string, string>()))
                    : MappingResult.Ignore($"MLflow alias '{alias}' on {name} v{version} is not a deployment alias ({string.Join(", ", deployAliases)})");
            default:
                return MappingResult.Ignore($"MLflow event {eventType} is not a change to assess");
        }
    }
}

using System.Text;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Sources;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Sources;

public sealed class MlflowWebhookTests
{
    private const string DeliveryId = "6a8f2c1e-4b3d-4e5f-9a7b-1c2d3e4f5a6b";
    private const string Timestamp = "1795970700";
    private static readonly DateTimeOffset DeliveredAt = DateTimeOffset.FromUnixTimeSeconds(1795970700);
    private static readonly string[] Aliases = ["production", "champion"];

    /// <summary>Expected value from an independent implementation: openssl dgst -sha256 -hmac over the same bytes.</summary>
    [Fact]
    public void Signature_of_mlflow_matches_an_independent_hmac()
    {
        var body = PlatformPayloads.MlflowModelVersionCreated();

        Assert.Equal("v1,OiUBqo8P2OFi8l7bK0PPp89lnQx2fH0bHmlcEiRvLCo=", PlatformPayloads.MlflowSignature(PlatformPayloads.MlflowSecret, DeliveryId, Timestamp, body));
        Assert.Null(Verify(body, "v1,OiUBqo8P2OFi8l7bK0PPp89lnQx2fH0bHmlcEiRvLCo="));
    }

    [Fact]
    public void Signature_with_another_secret_a_changed_body_or_another_scheme_is_refused()
    {
        var body = PlatformPayloads.MlflowModelVersionCreated();
        var good = PlatformPayloads.MlflowSignature(PlatformPayloads.MlflowSecret, DeliveryId, Timestamp, body);

        Assert.Contains("does not match", Verify(body, PlatformPayloads.MlflowSignature("another-secret", DeliveryId, Timestamp, body)), StringComparison.Ordinal);
        Assert.Contains("does not match", Verify(body.Replace("\"3\"", "\"4\"", StringComparison.Ordinal), good), StringComparison.Ordinal);
        Assert.Contains("does not match", Verify(body, "v2," + good[3..]), StringComparison.Ordinal);
        Assert.Contains("does not match", Verify(body, "v1,not base64!"), StringComparison.Ordinal);
        Assert.Contains("does not match", MlflowWebhook.Verify(PlatformPayloads.MlflowSecret, "another-delivery", Timestamp, good, Encoding.UTF8.GetBytes(body), DeliveredAt, TimeSpan.FromMinutes(5)), StringComparison.Ordinal);
        Assert.Contains("X-MLflow-Signature header is missing", Verify(body, null), StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamp_outside_the_window_is_refused_even_with_a_good_signature()
    {
        var body = PlatformPayloads.MlflowModelVersionCreated();
        var good = PlatformPayloads.MlflowSignature(PlatformPayloads.MlflowSecret, DeliveryId, Timestamp, body);
        var bytes = Encoding.UTF8.GetBytes(body);

        Assert.Null(MlflowWebhook.Verify(PlatformPayloads.MlflowSecret, DeliveryId, Timestamp, good, bytes, DeliveredAt.AddMinutes(4), TimeSpan.FromMinutes(5)));
        Assert.Contains("stale", MlflowWebhook.Verify(PlatformPayloads.MlflowSecret, DeliveryId, Timestamp, good, bytes, DeliveredAt.AddMinutes(6), TimeSpan.FromMinutes(5)), StringComparison.Ordinal);
        Assert.Contains("stale", MlflowWebhook.Verify(PlatformPayloads.MlflowSecret, DeliveryId, Timestamp, good, bytes, DeliveredAt.AddMinutes(-6), TimeSpan.FromMinutes(5)), StringComparison.Ordinal);
        Assert.Contains("not a Unix time", MlflowWebhook.Verify(PlatformPayloads.MlflowSecret, DeliveryId, "2026-11-29T16:45:00Z", good, bytes, DeliveredAt, TimeSpan.FromMinutes(5)), StringComparison.Ordinal);
        Assert.Contains("headers are required", MlflowWebhook.Verify(PlatformPayloads.MlflowSecret, null, Timestamp, good, bytes, DeliveredAt, TimeSpan.FromMinutes(5)), StringComparison.Ordinal);
    }

    /// <summary>Expected id from Python's uuid.uuid5 over the same namespace and name: a retry of the delivery is a duplicate.</summary>
    [Fact]
    public void Event_id_is_the_uuid5_of_the_delivery_id()
    {
        var body = Encoding.UTF8.GetBytes(PlatformPayloads.MlflowModelVersionCreated());

        var first = Assert.Single(MlflowWebhook.Map(body, DeliveryId, DeliveredAt, Aliases, "aims.").Changes);
        var retry = Assert.Single(MlflowWebhook.Map(body, DeliveryId, DeliveredAt.AddMinutes(1), Aliases, "aims.").Changes);
        var other = Assert.Single(MlflowWebhook.Map(body, Guid.NewGuid().ToString(), DeliveredAt, Aliases, "aims.").Changes);

        Assert.Equal(Guid.Parse("e1e3f7be-6d16-5e4f-9b6a-65e9629284fa"), first.EventId);
        Assert.Equal(first.EventId, retry.EventId);
        Assert.NotEqual(first.EventId, other.EventId);
    }

    [Fact]
    public void Model_version_created_maps_model_version_source_run_and_tags()
    {
        var change = Assert.Single(MlflowWebhook.Map(Encoding.UTF8.GetBytes(PlatformPayloads.MlflowModelVersionCreated()), DeliveryId, DeliveredAt, Aliases, "aims.").Changes);

        Assert.Equal(("mlflow", "credit-scoring", ChangeType.ModelRetrained), (change.Platform, change.Model, change.ChangeType));
        Assert.Equal(("credit-scoring", "3"), (change.ModelInfo!.Name, change.ModelInfo.Version));
        Assert.Equal("models:/m-7f3a", change.Attributes["mlflow.source"].Text);
        Assert.Equal("5d9c1e2f4b6a", change.Attributes["mlflow.runId"].Text);
        Assert.Equal("ml-platform@example.com", change.Tags["aims.owner"]);
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T16:45:00.123456+00:00", System.Globalization.CultureInfo.InvariantCulture), change.OccurredAt);
    }

    [Theory]
    [InlineData("registered_model", "created", """{"name": "credit-scoring", "tags": {"aims.owner": "a@example.com"}, "description": null}""", ChangeType.ModelRegistered)]
    [InlineData("model_version_tag", "set", """{"name": "credit-scoring", "version": "3", "key": "aims.security.artifactSigned", "value": "true"}""", ChangeType.ConfigurationChanged)]
    [InlineData("model_version_alias", "created", """{"name": "credit-scoring", "alias": "champion", "version": "3"}""", ChangeType.ModelDeployed)]
    public void Registry_events_map_to_change_types(string entity, string action, string data, ChangeType expected)
    {
        var result = MlflowWebhook.Map(Encoding.UTF8.GetBytes(PlatformPayloads.Mlflow(entity, action, data)), DeliveryId, DeliveredAt, Aliases, "aims.");

        Assert.Null(result.Ignored);
        Assert.Equal(expected, Assert.Single(result.Changes).ChangeType);
    }

    [Theory]
    [InlineData("model_version_alias", "created", """{"name": "credit-scoring", "alias": "staging", "version": "3"}""", "not a deployment alias")]
    [InlineData("model_version_tag", "set", """{"name": "credit-scoring", "version": "3", "key": "team", "value": "risk"}""", "not an assessment tag")]
    [InlineData("model_version_tag", "deleted", """{"name": "credit-scoring", "version": "3", "key": "aims.owner"}""", "not a change to assess")]
    [InlineData("prompt", "created", """{"name": "summarise", "tags": {}}""", "not a change to assess")]
    public void Other_events_are_ignored_with_the_reason(string entity, string action, string data, string reason)
    {
        var result = MlflowWebhook.Map(Encoding.UTF8.GetBytes(PlatformPayloads.Mlflow(entity, action, data)), DeliveryId, DeliveredAt, Aliases, "aims.");

        Assert.Empty(result.Changes);
        Assert.Contains(reason, result.Ignored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"entity\": \"model_version\"", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"entity\": \"model_version\", \"action\": \"created\"}", "$.data: missing")]
    [InlineData("{\"entity\": \"model_version\", \"action\": \"created\", \"data\": {\"version\": \"1\"}}", "$.data.name: missing")]
    [InlineData("{\"entity\": \"model_version\", \"action\": \"created\", \"data\": {\"name\": \"m\", \"version\": \"1\", \"tags\": [1]}}", "$.data.tags")]
    public void Malformed_payloads_are_refused_naming_what_is_wrong(string body, string reason)
    {
        var ex = Assert.Throws<SourceFormatException>(() => MlflowWebhook.Map(Encoding.UTF8.GetBytes(body), DeliveryId, DeliveredAt, Aliases, "aims."));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static string? Verify(string body, string? signature) =>
        MlflowWebhook.Verify(PlatformPayloads.MlflowSecret, DeliveryId, Timestamp, signature, Encoding.UTF8.GetBytes(body), DeliveredAt, TimeSpan.FromMinutes(5));
}

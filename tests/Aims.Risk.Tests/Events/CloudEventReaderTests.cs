using System.Text;
using System.Text.Json;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Sources;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Events;

public sealed class CloudEventReaderTests
{
    private const string Data = """{"changeType":"ModelDeployed","system":{"id":"credit-scoring","name":"Credit scoring","owner":"risk-team@example.com"}}""";

    private static readonly string Structured =
        $$"""{"specversion":"1.0","id":"ce-42","source":"/pipelines/credit","type":"aims.risk.ai-system-changed","time":"2026-11-29T11:00:00Z","datacontenttype":"application/json","data":{{Data}}}""";

    /// <summary>Expected id from Python's uuid.uuid5 over the same namespace and "source/id".</summary>
    [Fact]
    public void Structured_event_gives_the_change_with_event_id_source_and_time_from_the_envelope()
    {
        var body = CloudEventReader.TryUnwrap(CloudEventReader.StructuredMediaType, [], Encoding.UTF8.GetBytes(Structured));

        var change = AiSystemChangedReader.Read(body, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(SampleEvents.Now));
        Assert.Equal(Guid.Parse("8e911897-4e73-5fa5-a6ae-fd839dabf3fa"), change.EventId);
        Assert.Equal(SourceEventIds.For("/pipelines/credit", "ce-42"), change.EventId);
        Assert.Equal("/pipelines/credit", change.Source);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 11, 0, 0, TimeSpan.Zero), change.OccurredAt);
    }

    [Theory]
    [InlineData("cloudEvents_", "application/json")]
    [InlineData("cloudEvents:", "application/json")]
    [InlineData("ce-", "application/json")]
    [InlineData("cloudEvents_", null)]
    public void Binary_event_reads_its_attributes_from_headers(string prefix, string? contentType)
    {
        var headers = new Dictionary<string, object>
        {
            [prefix + "specversion"] = Encoding.UTF8.GetBytes("1.0"),
            [prefix + "id"] = "ce-42",
            [prefix + "source"] = Encoding.UTF8.GetBytes("/pipelines/credit"),
            [prefix + "type"] = "aims.risk.ai-system-changed",
            [prefix + "time"] = "2026-11-29T11:00:00Z",
        };

        var body = CloudEventReader.TryUnwrap(contentType, headers, Encoding.UTF8.GetBytes(Data));

        using var json = JsonDocument.Parse(body!);
        Assert.Equal("8e911897-4e73-5fa5-a6ae-fd839dabf3fa", json.RootElement.GetProperty("eventId").GetString());
        Assert.Equal("credit-scoring", json.RootElement.GetProperty("system").GetProperty("id").GetString());
    }

    [Fact]
    public void The_data_keeps_its_own_event_id()
    {
        var eventId = Guid.NewGuid();
        var body = CloudEventReader.TryUnwrap(CloudEventReader.StructuredMediaType, [], Encoding.UTF8.GetBytes(Structured.Replace("\"changeType\"", $"\"eventId\":\"{eventId}\",\"changeType\"", StringComparison.Ordinal)));

        using var json = JsonDocument.Parse(body!);
        Assert.Equal(eventId.ToString(), json.RootElement.GetProperty("eventId").GetString());
    }

    [Fact]
    public void Plain_json_is_not_a_cloud_event()
    {
        Assert.Null(CloudEventReader.TryUnwrap("application/json", new Dictionary<string, object> { ["MT-Host"] = "x" }, Encoding.UTF8.GetBytes(Data)));
        Assert.Null(CloudEventReader.TryUnwrap(null, [], Encoding.UTF8.GetBytes(Data)));
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","source":"/p","type":"aims.risk.ai-system-changed","data":{}}""", "not a valid CloudEvent")]
    [InlineData("""{"specversion":"0.1","id":"1","source":"/p","type":"aims.risk.ai-system-changed","data":{}}""", "not a valid CloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/p","type":"com.example.other","data":{}}""", "type 'com.example.other' is not aims.risk.ai-system-changed")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/p","type":"aims.risk.ai-system-changed","data":[1]}""", "data must be an AiSystemChanged JSON object")]
    [InlineData("""{"specversion":"1.0","id":""", "not a valid CloudEvent")]
    public void Invalid_or_foreign_cloud_events_are_refused_with_the_reason(string body, string reason)
    {
        var ex = Assert.Throws<InvalidEventException>(() => CloudEventReader.TryUnwrap(CloudEventReader.StructuredMediaType, [], Encoding.UTF8.GetBytes(body)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_event_without_a_required_attribute_is_refused()
    {
        var headers = new Dictionary<string, object> { ["cloudEvents_specversion"] = "1.0", ["cloudEvents_type"] = "aims.risk.ai-system-changed" };

        var ex = Assert.Throws<InvalidEventException>(() => CloudEventReader.TryUnwrap("application/json", headers, Encoding.UTF8.GetBytes(Data)));

        Assert.Contains("not a valid CloudEvent", ex.Message, StringComparison.Ordinal);
    }
}

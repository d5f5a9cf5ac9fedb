using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Events;

public sealed class AiSystemChangedReaderTests
{
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);

    private AiSystemChanged Read(string json) => AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(json), _clock);

    private static string Patch(string path, string? value)
    {
        var node = JsonNode.Parse(SampleEvents.ValidJson)!.AsObject();
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(node, (n, p) => n[p]!.AsObject());
        if (value is null)
        {
            parent.Remove(parts[^1]);
        }
        else
        {
            parent[parts[^1]] = JsonNode.Parse(value);
        }

        return node.ToJsonString();
    }

    [Fact]
    public void Valid_event_is_read_with_enums_and_unknown_fields_ignored()
    {
        var change = Read(Patch("futureField", """{ "x": 1 }"""));

        Assert.Equal(ChangeType.ModelDeployed, change.ChangeType);
        Assert.Equal("credit-scoring", change.System.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 11, 0, 0, TimeSpan.Zero), change.OccurredAt);
    }

    [Fact]
    public void Attributes_accept_strings_numbers_and_booleans()
    {
        var change = Read(Patch("attributes", """{ "a": "x", "b": 2.5, "c": true }"""));

        Assert.Equal("x", change.Attributes!["a"].Text);
        Assert.Equal(2.5, change.Attributes["b"].Number);
        Assert.True(change.Attributes["c"].Flag);
    }

    [Theory]
    [InlineData("eventId", null, "missing required properties: 'eventId'")]
    [InlineData("occurredAt", null, "'occurredAt'")]
    [InlineData("source", null, "'source'")]
    [InlineData("changeType", null, "'changeType'")]
    [InlineData("system", null, "'system'")]
    [InlineData("system.owner", null, "'owner'")]
    [InlineData("eventId", "\"not-a-uuid\"", "$.eventId: wrong value or type; expected a UUID string")]
    [InlineData("eventId", "\"00000000-0000-0000-0000-000000000000\"", "eventId: must not be the empty UUID")]
    [InlineData("occurredAt", "\"yesterday\"", "$.occurredAt: wrong value or type; expected an RFC 3339 timestamp string")]
    [InlineData("occurredAt", "\"1970-01-01T00:00:00Z\"", "occurredAt: 1970-01-01T00:00:00.0000000+00:00 is out of range")]
    [InlineData("occurredAt", "\"2031-01-01T00:00:00Z\"", "occurredAt: 2031-01-01T00:00:00.0000000+00:00 is out of range")]
    [InlineData("changeType", "\"ModelExploded\"", "$.changeType: wrong value or type; expected one of ModelRegistered, ModelRetrained")]
    [InlineData("changeType", "3", "$.changeType: wrong value or type; expected one of")]
    [InlineData("system", "null", "system")]
    [InlineData("system", "\"credit\"", "$.system")]
    [InlineData("system.id", "\"\"", "system.id: is required and must not be empty")]
    [InlineData("system.name", "\"   \"", "system.name: is required and must not be empty")]
    [InlineData("system.exposure", "\"Everyone\"", "$.system.exposure: wrong value or type; expected one of Internal, CustomerFacing, Public")]
    [InlineData("system.affectsIndividuals", "\"yes\"", "$.system.affectsIndividuals: wrong value or type; expected true or false")]
    [InlineData("source", "42", "$.source: wrong value or type; expected a string")]
    [InlineData("model", """{ "metrics": { "accuracy": 1.5 } }""", "model.metrics.accuracy: 1.5 is out of range (0 to 1)")]
    [InlineData("model", """{ "metrics": { "accuracy": "high" } }""", "$.model.metrics.accuracy: wrong value or type; expected a number")]
    [InlineData("security", """{ "criticalVulnerabilities": -1 }""", "security.criticalVulnerabilities: -1 is out of range")]
    [InlineData("security", """{ "criticalVulnerabilities": 1.5 }""", "$.security.criticalVulnerabilities: wrong value or type; expected a whole number")]
    [InlineData("datasets", """{ "name": "x" }""", "$.datasets")]
    [InlineData("datasets", """[ null ]""", "datasets")]
    [InlineData("attributes", """{ "a": { "nested": true } }""", "an attribute must be a string, a number or a boolean")]
    public void Invalid_event_is_refused_naming_the_field(string path, string? value, string expected)
    {
        var ex = Assert.Throws<InvalidEventException>(() => Read(Patch(path, value)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the body is empty")]
    [InlineData("null", "the body is JSON null")]
    [InlineData("[]", "wrong value or type")]
    [InlineData("{ \"eventId\": ", "invalid JSON")]
    [InlineData("not json at all", "invalid JSON")]
    public void Body_that_is_not_an_event_object_is_refused(string body, string expected)
    {
        var ex = Assert.Throws<InvalidEventException>(() => Read(body));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes(SampleEvents.ValidJson).Concat(new byte[] { 0xC3, 0x28 }).ToArray();

        var ex = Assert.Throws<InvalidEventException>(() => AiSystemChangedReader.Read(bytes, _clock));

        Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_body_is_refused_before_parsing()
    {
        var bytes = new byte[AiSystemChangedReader.DefaultMaxBytes + 1];

        var ex = Assert.Throws<InvalidEventException>(() => AiSystemChangedReader.Read(bytes, _clock));

        Assert.Contains($"the limit is {AiSystemChangedReader.DefaultMaxBytes} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_json_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);

        var ex = Assert.Throws<InvalidEventException>(() => Read(Patch("attributes", null).TrimEnd('}') + ",\"extra\":" + deep + "}"));

        Assert.Contains("depth", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Duplicate_property_is_refused()
    {
        var ex = Assert.Throws<InvalidEventException>(() => Read(SampleEvents.ValidJson.TrimEnd().TrimEnd('}') + ", \"source\": \"other\" }"));

        Assert.Contains("source", ex.Message, StringComparison.Ordinal);
    }
}

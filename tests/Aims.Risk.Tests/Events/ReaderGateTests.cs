using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Events;

/// <summary>
/// The reader is the single gate: what it accepts, everything after it (the canonical payload, the register, the
/// tasks) can process; what it refuses is refused with the field named. Each theory is one class of input that an
/// earlier reader accepted and later code choked on or misread.
/// </summary>
public sealed class ReaderGateTests
{
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);

    private static string Patch(string path, string raw)
    {
        var node = JsonNode.Parse(SampleEvents.ValidJson)!.AsObject();
        var parts = path.Split('.');
        var parent = node;
        foreach (var part in parts[..^1])
        {
            parent = (parent[part] ??= new JsonObject()).AsObject();
        }

        parent[parts[^1]] = "@@PLACEHOLDER@@";
        return node.ToJsonString().Replace("\"@@PLACEHOLDER@@\"", raw, StringComparison.Ordinal);
    }

    private AiSystemChanged Read(string json) => AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(json), _clock);

    /// <summary>Every number of the contract that is a double, and an overflowing literal for each sign.</summary>
    public static TheoryData<string, string> NonFiniteNumbers()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { "model.metrics.accuracy", "model.metrics.previousAccuracy", "model.metrics.fairnessGap", "model.metrics.driftScore", "model.metrics.trainingEnergyKwh", "attributes.score" })
        {
            foreach (var literal in new[] { "1e400", "-1e400", "1.7976931348623159e308" })
            {
                data.Add(path, literal);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NonFiniteNumbers))]
    public void A_number_beyond_a_double_is_refused_naming_the_field(string path, string literal)
    {
        var ex = Assert.Throws<InvalidEventException>(() => Read(Patch(path, literal)));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_double_of_the_contract_is_covered_by_the_non_finite_cases()
    {
        // A double added to the contract later must be added to the cases above.
        var doubles = DoublePaths(typeof(AiSystemChanged), "").ToList();

        Assert.Equal(["model.metrics.accuracy", "model.metrics.previousAccuracy", "model.metrics.fairnessGap", "model.metrics.driftScore", "model.metrics.trainingEnergyKwh"], doubles);
    }

    private static IEnumerable<string> DoublePaths(Type type, string prefix)
    {
        foreach (var property in type.GetProperties())
        {
            var name = prefix + char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType == typeof(double))
            {
                yield return name;
            }
            else if (propertyType.Namespace == typeof(AiSystemChanged).Namespace && propertyType.IsClass && propertyType != typeof(AttributeValue))
            {
                foreach (var inner in DoublePaths(propertyType, name + "."))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Every enum field, each with values that are not exactly one defined name.</summary>
    public static TheoryData<string, string> NotExactlyOneName()
    {
        var data = new TheoryData<string, string>();
        var fields = new[]
        {
            ("changeType", "ModelDeployed", "Decommissioned"),
            ("system.exposure", "Internal", "Public"),
            ("system.autonomy", "HumanInTheLoop", "FullyAutomated"),
            ("system.euAiActRiskClass", "Minimal", "High"),
            ("model.provenance", "InHouse", "Vendor"),
        };
        foreach (var (path, first, second) in fields)
        {
            data.Add(path, $"{first}, {second}");
            data.Add(path, $"{first},{second}");
            data.Add(path, $" {first}");
            data.Add(path, $"{second} ");
            data.Add(path, $"\t{first}\n");
            data.Add(path, "1");
            data.Add(path, "-1");
            data.Add(path, "");
            data.Add(path, $"{first}\u0000");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NotExactlyOneName))]
    public void An_enum_value_that_is_not_exactly_one_defined_name_is_refused(string path, string value)
    {
        var json = Patch(path, System.Text.Json.JsonSerializer.Serialize(value));

        var ex = Assert.Throws<InvalidEventException>(() => Read(json));

        Assert.Contains($"$.{path}: wrong value or type; expected one of", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ModelDeployed", ChangeType.ModelDeployed)]
    [InlineData("modeldeployed", ChangeType.ModelDeployed)]
    [InlineData("DECOMMISSIONED", ChangeType.Decommissioned)]
    public void An_enum_name_in_any_case_is_read_as_that_name(string value, ChangeType expected)
    {
        var change = Read(Patch("changeType", $"\"{value}\""));

        Assert.Equal(expected, change.ChangeType);
    }

    [Theory]
    [InlineData("2026-11-29T11:00:00")]
    [InlineData("2026-11-29T11:00:00.1234567")]
    [InlineData("2026-11-29")]
    [InlineData("2026-11-29T11:00")]
    public void A_timestamp_without_an_offset_is_refused(string value)
    {
        var ex = Assert.Throws<InvalidEventException>(() => Read(Patch("occurredAt", $"\"{value}\"")));

        Assert.Contains("$.occurredAt: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("offset", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-29T11:00:00Z", 11)]
    [InlineData("2026-11-29T13:00:00+02:00", 11)]
    [InlineData("2026-11-29T06:30:00-04:30", 11)]
    [InlineData("2026-11-29T11:00:00.5+00:00", 11)]
    public void A_timestamp_with_an_offset_is_read_as_that_instant(string value, int utcHour)
    {
        var change = Read(Patch("occurredAt", $"\"{value}\""));

        Assert.Equal(utcHour, change.OccurredAt.UtcDateTime.Hour);
    }

    [Theory]
    [InlineData("source", "\"\\ud800\"")]
    [InlineData("source", "\"mlflow\\udc00prod\"")]
    [InlineData("system.name", "\"\\udfff\\ud800\"")]
    [InlineData("attributes.note", "\"\\ud83d\"")]
    [InlineData("datasets", "[{\"name\": \"\\ud800x\"}]")]
    public void A_string_with_a_lone_surrogate_is_refused_naming_the_field(string path, string raw)
    {
        var ex = Assert.Throws<InvalidEventException>(() => Read(Patch(path, raw)));

        Assert.Contains(path.Split('.')[0], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_surrogate_pair_is_read()
    {
        var change = Read(Patch("source", "\"ml\\ud83d\\ude00flow\""));

        Assert.Equal("ml\U0001F600flow", change.Source);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("Application/JSON")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/vnd.masstransit+json")]
    public void Json_or_no_content_type_is_accepted(string? contentType)
    {
        Assert.Null(AcceptedContentTypes.Refusal(contentType));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/octet-stream")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/jsonx")]
    [InlineData("json")]
    [InlineData("not a content type")]
    public void Any_other_content_type_is_refused_naming_it(string contentType)
    {
        var refusal = AcceptedContentTypes.Refusal(contentType);

        Assert.NotNull(refusal);
        Assert.Contains(contentType.Split(';')[^1].Trim(), refusal, StringComparison.Ordinal);
        Assert.Contains("application/json", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_of_an_envelope_is_read_from_the_bytes_as_sent()
    {
        // Spacing and number forms that a re-serialised copy would change: the slice keeps them.
        var message = """{ "eventId" : "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "n": 1.50E+2 }""";
        var envelope = Encoding.UTF8.GetBytes("""{"messageId":"x","message":""" + message + ""","headers":{"message":1}}""");

        var range = AiSystemChangedReader.EnvelopeMessage(envelope);

        Assert.Equal(message, Encoding.UTF8.GetString(envelope.AsSpan(range)));
    }

    [Theory]
    [InlineData("""{"messageType":[]}""", "has no 'message'")]
    [InlineData("""{"message":{},"message":{}}""", "more than one 'message'")]
    [InlineData("""[{"message":{}}]""", "is a JSON array, not an object")]
    [InlineData("""{"message":{""", "not valid JSON")]
    [InlineData("""{"faultAddress":"rabbitmq://h/x","message":{}}""", "names a faultAddress")]
    [InlineData("""{"message":{},"responseAddress":"rabbitmq://h/x"}""", "names a responseAddress")]
    public void An_envelope_without_exactly_one_message_is_refused(string envelope, string expected)
    {
        var ex = Assert.Throws<InvalidEventException>(() => AiSystemChangedReader.EnvelopeMessage(Encoding.UTF8.GetBytes(envelope)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}

using Aims.Risk.TestSupport;
using System.Text;
using System.Text.Json;
using Aims.Risk.Core.Events;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Events;

/// <summary>The reader's checks at their edges, with the exact text a publisher gets.</summary>
public sealed class ReaderEdgeTests
{
    private static readonly byte[] Valid = Encoding.UTF8.GetBytes(SampleEvents.ValidJson);

    private static readonly FakeTimeProvider Clock = new(SampleEvents.Now);

    private static string Refusal(Action read) => Assert.Throws<InvalidEventException>(read).Message;

    [Fact]
    public void A_body_of_exactly_the_limit_is_read_and_one_byte_more_is_refused()
    {
        Assert.Equal("credit-scoring", AiSystemChangedReader.Read(Valid, Clock, maxBytes: Valid.Length).System.Id);
        AiSystemChangedReader.CheckSyntax(Valid, maxBytes: Valid.Length);

        Assert.Equal(
            $"the body is {Valid.Length} bytes; the limit is {Valid.Length - 1} bytes",
            Refusal(() => AiSystemChangedReader.Read(Valid, Clock, maxBytes: Valid.Length - 1)));
        Assert.Equal(
            $"the body is {Valid.Length} bytes; the limit is {Valid.Length - 1} bytes",
            Refusal(() => AiSystemChangedReader.CheckSyntax(Valid, maxBytes: Valid.Length - 1)));
    }

    [Fact]
    public void The_syntax_check_passes_a_valid_event_and_nested_nulls()
    {
        AiSystemChangedReader.CheckSyntax(Valid);
        AiSystemChangedReader.CheckSyntax("""{ "model": null, "datasets": [null] }"""u8);
    }

    [Fact]
    public void The_syntax_check_refuses_what_is_not_well_formed_utf8_json_with_the_reason()
    {
        Assert.Equal("the body is empty; an AiSystemChanged JSON object is required", Refusal(() => AiSystemChangedReader.CheckSyntax([])));
        Assert.Equal("the body is JSON null; an AiSystemChanged object is required", Refusal(() => AiSystemChangedReader.CheckSyntax("null"u8)));
        Assert.Equal("the body is not valid UTF-8 text", Refusal(() => AiSystemChangedReader.CheckSyntax([(byte)'"', 0xC3, 0x28, (byte)'"'])));
        Assert.StartsWith("invalid JSON at line 1, column 8: ", Refusal(() => AiSystemChangedReader.CheckSyntax("{ \"a\": "u8)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_is_refused_by_both_checks()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Valid];
        const string Expected = "the body starts with a byte order mark (EF BB BF); send UTF-8 JSON without one";

        Assert.Equal(Expected, Refusal(() => AiSystemChangedReader.Read(body, Clock)));
        Assert.Equal(Expected, Refusal(() => AiSystemChangedReader.CheckSyntax(body)));
    }

    [Fact]
    public void Every_problem_the_validator_finds_is_in_the_refusal_joined_by_semicolons()
    {
        var body = SampleEvents.ValidJson
            .Replace("0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "00000000-0000-0000-0000-000000000000", StringComparison.Ordinal)
            .Replace("\"mlflow/prod\"", "\" \"", StringComparison.Ordinal);

        Assert.Equal(
            "eventId: must not be the empty UUID; source: is required and must not be empty",
            Refusal(() => AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(body), Clock)));
    }

    [Theory]
    [InlineData(JsonTokenType.StartObject, "object")]
    [InlineData(JsonTokenType.StartArray, "array")]
    [InlineData(JsonTokenType.String, "string")]
    [InlineData(JsonTokenType.Number, "number")]
    [InlineData(JsonTokenType.True, "boolean")]
    [InlineData(JsonTokenType.False, "boolean")]
    [InlineData(JsonTokenType.Null, "null")]
    [InlineData(JsonTokenType.None, "value")]
    [InlineData(JsonTokenType.EndObject, "value")]
    public void A_token_is_named_in_a_publishers_words(JsonTokenType token, string kind) =>
        Assert.Equal(kind, AiSystemChangedReader.KindOf(token));

    [Theory]
    [InlineData("\"message\"", "the MassTransit envelope is a JSON string, not an object")]
    [InlineData("42", "the MassTransit envelope is a JSON number, not an object")]
    [InlineData("{}", "the MassTransit envelope has no 'message'")]
    [InlineData("""{"message":{},"message":{}}""", "the MassTransit envelope has more than one 'message'")]
    [InlineData("""{"faultAddress":"rabbitmq://h/x","message":{}}""", "the MassTransit envelope names a faultAddress; an AiSystemChanged is an event, answered to nobody: send it without one")]
    public void An_envelope_refusal_says_exactly_what_is_wrong(string envelope, string expected) =>
        Assert.Equal(expected, Refusal(() => AiSystemChangedReader.EnvelopeMessage(Encoding.UTF8.GetBytes(envelope))));

    [Fact]
    public void Null_return_addresses_are_no_return_address_and_the_message_may_come_last()
    {
        var envelope = """{"faultAddress":null,"responseAddress":null,"headers":{},"message":{"a":1}}"""u8.ToArray();

        var range = AiSystemChangedReader.EnvelopeMessage(envelope);

        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(envelope.AsSpan(range)));
    }

    [Theory]
    [InlineData("datasets", "{}", "$.datasets: wrong value or type; expected an array of DatasetInfo objects")]
    [InlineData("attributes", "[]", "$.attributes: wrong value or type; expected an object whose values are each a string, a number or a boolean")]
    [InlineData("system", "[]", "$.system: wrong value or type; expected an object (AiSystem)")]
    [InlineData("occurredAt", "1", "$.occurredAt: wrong value or type; expected an RFC 3339 timestamp string")]
    [InlineData("eventId", "true", "$.eventId: wrong value or type; expected a UUID string")]
    public void A_value_of_the_wrong_type_names_the_field_and_the_type_expected(string field, string value, string expected)
    {
        var body = SampleEvents.ValidJson.TrimEnd().TrimEnd('}') + $", \"{field}\": {value} }}";
        var json = field is "occurredAt" or "eventId" or "system"
            ? SampleEvents.ValidJson.Replace($"\"{field}\":", $"\"{field}\": {value}, \"x-{field}\":", StringComparison.Ordinal)
            : body;

        Assert.Equal(expected, Refusal(() => AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(json), Clock)));
    }
}

using System.Text;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Risks;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Events;

/// <summary>
/// The refusal of a body the JSON reader or the serializer rejects says what is wrong and where, built from what the
/// reader knows (the position, the path, the JSON found there and the contract's type at that path), not from
/// System.Text.Json's English messages: the same reason whatever the runtime's wording or language.
/// </summary>
public sealed class JsonRefusalTextTests
{
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);

    private static string Event(string tail) => SampleEvents.ValidJson.TrimEnd().TrimEnd('}') + tail;

    public static TheoryData<string, string> Syntax() => new()
    {
        { "garbage, not json", "invalid JSON at line 1, column 1: unexpected 'garbage'" },
        { "{\n  \"eventId\": nope\n}", "invalid JSON at line 2, column 14: unexpected 'nope'" },
        { "{ \"eventId\": ", "invalid JSON at line 1, column 14: the JSON ends before it is complete" },
        { "/* note */ {}", "invalid JSON at line 1, column 1: a comment; comments are not allowed" },
        { Event(", }"), "invalid JSON at line 7, column 1: a comma before '}'" },
        { "[1,\n  2 , ]", "invalid JSON at line 2, column 5: a comma before ']'" },
        { "{} {}", "invalid JSON at line 1, column 4: more JSON after the end of the first value" },
        { Event(", \"extra\": " + string.Concat(Enumerable.Repeat("[", 20)) + new string(']', 20) + "}"), "nested deeper than the maximum depth of 16" },
        { "{\"source\": \"a\u0001b\"}", "unexpected byte 0x01" },
    };

    [Theory]
    [MemberData(nameof(Syntax))]
    public void Malformed_json_is_refused_with_where_and_what_the_reader_found(string body, string expected)
    {
        Assert.Equal(expected, Reason(body).Contains(expected, StringComparison.Ordinal) ? expected : Reason(body));
        Assert.Equal(expected, Syntax(body).Contains(expected, StringComparison.Ordinal) ? expected : Syntax(body));
    }

    public static TheoryData<string, string> Contract() => new()
    {
        { Event(", \"source\": \"other\" }"), "the body: duplicate property 'source'" },
        { SampleEvents.ValidJson.Replace("\"system\": {", "\"system\": { \"id\": \"x\",", StringComparison.Ordinal), "$.system: duplicate property 'id'" },
        { SampleEvents.ValidJson.Replace("\"eventId\"", "\"e\"", StringComparison.Ordinal).Replace("\"source\"", "\"s\"", StringComparison.Ordinal), "the body: AiSystemChanged is missing required properties: 'eventId', 'source'" },
        { SampleEvents.ValidJson.Replace("\"owner\"", "\"o\"", StringComparison.Ordinal), "$.system: AiSystem is missing required properties: 'owner'" },
        { SampleEvents.ValidJson.Replace("\"source\": \"mlflow/prod\"", "\"source\": \"\\ud800x\"", StringComparison.Ordinal), "$.source: not valid Unicode text (an unpaired surrogate escape)" },
        { Event(", \"security\": { \"criticalVulnerabilities\": 99999999999 } }"), "$.security.criticalVulnerabilities: wrong value or type; expected a whole number from -2147483648 to 2147483647" },
        { Event(", \"attributes\": { \"a.b c\": [1] } }"), "$.attributes['a.b c']: an attribute must be a string, a number or a boolean" },
        { Event(", \"attributes\": [1] }"), "$.attributes: wrong value or type; expected an object whose values are each a string, a number or a boolean" },
        { Event(", \"datasets\": [ { \"name\": 1 } ] }"), "$.datasets[0].name: wrong value or type; expected a string" },
        { "[]", "the body: wrong value or type; expected an object (AiSystemChanged)" },
    };

    [Theory]
    [MemberData(nameof(Contract))]
    public void A_value_the_contract_refuses_is_named_by_its_path_with_what_the_contract_expects(string body, string expected)
    {
        Assert.Equal(expected, Reason(body).Contains(expected, StringComparison.Ordinal) ? expected : Reason(body));
    }

    public static TheoryData<string, string> Updates() => new()
    {
        { """{"updateId":"6f0c4a53-9a3c-4f57-9d3e-0f1b2c3d4e5f","riskId":"7f0c4a53-9a3c-4f57-9d3e-0f1b2c3d4e5f","action":"Nope","actor":"a","occurredAt":"2026-11-29T11:00:00Z"}""", "$.action: wrong value or type; expected one of Acknowledged, Mitigated, Accepted, Transferred" },
        { """{"updateId":"6f0c4a53-9a3c-4f57-9d3e-0f1b2c3d4e5f","riskId":"7f0c4a53-9a3c-4f57-9d3e-0f1b2c3d4e5f","action":"Accepted","occurredAt":"2026-11-29T11:00:00Z"}""", "the body: RiskTreatmentUpdated is missing required properties: 'actor'" },
        { """{"updateId":"6f0c4a53-9a3c-4f57-9d3e-0f1b2c3d4e5f","riskId":"7f0c4a53-9a3c-4f57-9d3e-0f1b2c3d4e5f","action":"Accepted","actor":"a","occurredAt":"2026-11-29T11:00:00Z","residualImpact":"high"}""", "$.residualImpact: wrong value or type; expected a whole number" },
        { """{"updateId": 7""", "invalid JSON at line 1, column 15: the JSON ends before it is complete" },
    };

    [Theory]
    [MemberData(nameof(Updates))]
    public void A_treatment_update_is_refused_the_same_way(string body, string expected)
    {
        var reason = Assert.Throws<InvalidEventException>(() => TreatmentUpdateReader.Read(Encoding.UTF8.GetBytes(body))).Message;

        Assert.Equal(expected, reason.Contains(expected, StringComparison.Ordinal) ? expected : reason);
        Assert.DoesNotContain("Aims.Risk.Contracts", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", reason, StringComparison.Ordinal);
    }

    private string Reason(string body) =>
        Assert.Throws<InvalidEventException>(() => AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(body), _clock)).Message;

    private static string Syntax(string body) =>
        Assert.Throws<InvalidEventException>(() => AiSystemChangedReader.CheckSyntax(Encoding.UTF8.GetBytes(body))).Message;
}

using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.TestSupport;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>One message a publisher might send by mistake (or on purpose), and what its refusal must say.</summary>
public sealed record BadInput(string Name, byte[] Body, string? ContentType, string Reason);

/// <summary>
/// Bad input for the worker's front door: each case must land in the error queue with a reason naming the
/// problem. Built on a valid event (<see cref="Valid"/>) so that each case has exactly one thing wrong.
/// </summary>
public static class BadInputCorpus
{
    private const string Json = "application/json";

    /// <summary>A valid event with a fresh id: the base every case changes.</summary>
    public static JsonObject Valid(Guid eventId)
    {
        var json = JsonNode.Parse(RepositoryRoot.Example("credit-scoring.json"))!.AsObject();
        json["eventId"] = eventId.ToString();
        return json;
    }

    public static IReadOnlyList<BadInput> Cases(int maxMessageBytes) =>
    [
        // Not JSON, or not the JSON of an object.
        new("empty body", [], Json, "the body is empty"),
        new("plain text", Encoding.UTF8.GetBytes("garbage, not json"), Json, "invalid JSON at line 1, column 1: unexpected 'garbage'"),
        new("binary garbage (PNG header)", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00], null, "not valid UTF-8"),
        new("random bytes", RandomBytes(4096, seed: 42), null, "not valid UTF-8"),
        new("truncated JSON", Truncated(), Json, "the JSON ends before it is complete"),
        new("JSON with a comment", Encoding.UTF8.GetBytes("/* hello */ " + Valid(Guid.NewGuid()).ToJsonString()), Json, "invalid JSON at line 1, column 1: a comment; comments are not allowed"),
        new("trailing comma", Appended(""), Json, "a comma before '}'"),
        new("two events in one body", Encoding.UTF8.GetBytes(Valid(Guid.NewGuid()).ToJsonString() + "\n" + Valid(Guid.NewGuid()).ToJsonString()), Json, "invalid JSON at line 2, column 1: more JSON after the end of the first value"),
        new("top-level array", Encoding.UTF8.GetBytes("[" + Valid(Guid.NewGuid()).ToJsonString() + "]"), Json, "the body: wrong value or type; expected an object (AiSystemChanged)"),
        new("top-level string", Encoding.UTF8.GetBytes("\"AiSystemChanged\""), Json, "the body: wrong value or type; expected an object (AiSystemChanged)"),
        new("top-level number", Encoding.UTF8.GetBytes("42"), Json, "the body: wrong value or type; expected an object (AiSystemChanged)"),
        new("top-level null", Encoding.UTF8.GetBytes("null"), Json, "the body is JSON null"),
        new("byte order mark", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Valid(Guid.NewGuid()).ToJsonString())], Json, "byte order mark"),
        new("invalid UTF-8 in a string", InvalidUtf8(), Json, "not valid UTF-8"),
        new("UTF-16 encoded", Encoding.Unicode.GetBytes(Valid(Guid.NewGuid()).ToJsonString()), Json, "invalid JSON at line 1, column 2: unexpected byte 0x00"),
        new("deeply nested JSON", Appended("\"extra\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)), Json, "nested deeper than the maximum depth of 16"),
        new("duplicate key", Appended("\"source\":\"other\""), Json, "the body: duplicate property 'source'"),
        new("duplicate key inside the system", Encoding.UTF8.GetBytes(Valid(Guid.NewGuid()).ToJsonString().Replace("\"system\":{", "\"system\":{\"owner\":\"someone\",", StringComparison.Ordinal)), Json, "$.system: duplicate property 'owner'"),
        new("10 MB payload", Patched(e => e["attributes"] = new JsonObject { ["padding"] = new string('x', 10 * 1024 * 1024) }), Json, $"the limit is {maxMessageBytes} bytes"),

        // Required fields missing, null or empty.
        new("eventId missing", Patched(e => e.Remove("eventId")), Json, "missing required properties: 'eventId'"),
        new("occurredAt missing", Patched(e => e.Remove("occurredAt")), Json, "missing required properties: 'occurredAt'"),
        new("changeType missing", Patched(e => e.Remove("changeType")), Json, "missing required properties: 'changeType'"),
        new("system missing", Patched(e => e.Remove("system")), Json, "missing required properties: 'system'"),
        new("system null", Patched(e => e["system"] = null), null, "$.system: must not be null"),
        new("system.owner missing", Patched(e => e["system"]!.AsObject().Remove("owner")), Json, "missing required properties: 'owner'"),
        new("every required field missing", Encoding.UTF8.GetBytes("{\"note\":\"hello\"}"), Json, "the body: AiSystemChanged is missing required properties: 'eventId', 'occurredAt', 'source', 'changeType', 'system'"),
        new("system.id empty", Patched(e => e["system"]!["id"] = ""), Json, "system.id: is required and must not be empty"),
        new("source blank", Patched(e => e["source"] = "   "), Json, "source: is required and must not be empty"),
        new("eventId empty string", Patched(e => e["eventId"] = ""), Json, "$.eventId: wrong value or type; expected a UUID string"),
        new("eventId the empty UUID", Patched(e => e["eventId"] = Guid.Empty.ToString()), Json, "eventId: must not be the empty UUID"),

        // Wrong types.
        new("eventId a number", Patched(e => e["eventId"] = 12345), Json, "$.eventId: wrong value or type; expected a UUID string"),
        new("system a string", Patched(e => e["system"] = "credit-scoring"), Json, "$.system: wrong value or type; expected an object (AiSystem)"),
        new("datasets an object", Patched(e => e["datasets"] = new JsonObject { ["name"] = "x" }), Json, "$.datasets: wrong value or type; expected an array of DatasetInfo objects"),
        new("attributes an array", Patched(e => e["attributes"] = new JsonArray("a")), Json, "$.attributes: wrong value or type; expected an object whose values are each a string, a number or a boolean"),
        new("number as a string", Patched(e => e["security"] = new JsonObject { ["criticalVulnerabilities"] = "3" }), Json, "$.security.criticalVulnerabilities: wrong value or type; expected a whole number"),
        new("NaN as a string", Patched(e => e["model"] = new JsonObject { ["metrics"] = new JsonObject { ["accuracy"] = "NaN" } }), Json, "$.model.metrics.accuracy: wrong value or type; expected a number"),
        new("boolean as a string", Patched(e => e["system"]!["affectsIndividuals"] = "yes"), Json, "$.system.affectsIndividuals: wrong value or type; expected true or false"),
        new("attribute an object", Patched(e => e["attributes"] = new JsonObject { ["dpia"] = new JsonObject { ["done"] = true } }), Json, "$.attributes.dpia: an attribute must be a string, a number or a boolean"),
        new("attribute an array", Patched(e => e["attributes"] = new JsonObject { ["regions"] = new JsonArray("EU", "US") }), Json, "$.attributes.regions: an attribute must be a string, a number or a boolean"),
        new("attribute null", Patched(e => e["attributes"] = new JsonObject { ["dpia"] = null }), Json, "attributes.dpia"),
        new("dataset null", Patched(e => e["datasets"] = new JsonArray(null, new JsonObject { ["name"] = "x" })), Json, "datasets"),

        // Unknown enum values.
        new("unknown changeType", Patched(e => e["changeType"] = "ModelExploded"), Json, "$.changeType: wrong value or type; expected one of ModelRegistered, ModelRetrained"),
        new("changeType as a number", Patched(e => e["changeType"] = 3), Json, "$.changeType: wrong value or type; expected one of"),
        new("unknown exposure", Patched(e => e["system"]!["exposure"] = "Everyone"), Json, "$.system.exposure: wrong value or type; expected one of Internal, CustomerFacing, Public"),

        // Values out of range.
        new("date before 2000", Patched(e => e["occurredAt"] = "1999-12-31T23:59:59Z"), Json, "occurredAt: 1999-12-31T23:59:59.0000000+00:00 is out of range"),
        new("date far in the future", Patched(e => e["occurredAt"] = "2999-01-01T00:00:00Z"), Json, "occurredAt: 2999-01-01T00:00:00.0000000+00:00 is out of range"),
        new("date not a date", Patched(e => e["occurredAt"] = "2026-13-45T25:61:00Z"), Json, "$.occurredAt: wrong value or type; expected an RFC 3339 timestamp string"),
        new("negative vulnerabilities", Patched(e => e["security"] = new JsonObject { ["criticalVulnerabilities"] = -1 }), Json, "security.criticalVulnerabilities: -1 is out of range (0 or more)"),
        new("accuracy above 1", Patched(e => e["model"] = new JsonObject { ["metrics"] = new JsonObject { ["accuracy"] = 1.5 } }), Json, "model.metrics.accuracy: 1.5 is out of range (0 to 1)"),
        new("negative drift", Patched(e => e["model"] = new JsonObject { ["metrics"] = new JsonObject { ["driftScore"] = -0.1 } }), Json, "model.metrics.driftScore: -0.1 is out of range (0 or more)"),
        new("number overflowing a double", Appended("\"model\":{\"metrics\":{\"fairnessGap\":1e400}}", without: "model"), Json, "model.metrics.fairnessGap: Infinity is out of range (0 to 1)"),
        new("vulnerabilities overflowing an int", Appended("\"security\":{\"criticalVulnerabilities\":99999999999}", without: "security"), Json, "$.security.criticalVulnerabilities: wrong value or type; expected a whole number"),

        // Sizes.
        new("oversized system.id", Patched(e => e["system"]!["id"] = new string('s', 201)), Json, "system.id: 201 characters; the limit is 200"),
        new("oversized purpose", Patched(e => e["system"]!["purpose"] = new string('p', 5000)), Json, "system.purpose: 5000 characters; the limit is 4096"),
        new("oversized attribute text", Patched(e => e["attributes"] = new JsonObject { ["note"] = new string('n', 5000) }), Json, "attributes.note: longer than 4096 characters"),
        new("too many datasets", Patched(e => e["datasets"] = new JsonArray([.. Enumerable.Range(0, 1001).Select(i => (JsonNode)new JsonObject { ["name"] = $"d{i}" })])), Json, "datasets: 1001 items; the limit is 1000"),
        new("huge array of datasets", Patched(e => e["datasets"] = new JsonArray([.. Enumerable.Range(0, 50_000).Select(_ => (JsonNode)new JsonObject())])), Json, "datasets: 50000 items; the limit is 1000"),
        new("too many attributes", Patched(e => e["attributes"] = new JsonObject(Enumerable.Range(0, 257).Select(i => KeyValuePair.Create($"a{i}", (JsonNode?)JsonValue.Create(i))))), Json, "attributes: 257 entries; the limit is 256"),
        new("empty attribute key", Patched(e => e["attributes"] = new JsonObject { [""] = "x" }), Json, "attributes: a key must have 1 to 200 characters"),

        // Accepted by an earlier reader and misread or choked on later (the reader is the single gate).
        new("attribute number overflowing a double", Appended("\"attributes\":{\"score\":1e400}", without: "attributes"), Json, "$.attributes.score: an attribute number must be within the range of a double"),
        new("attribute number overflowing negatively", Appended("\"attributes\":{\"score\":-1.8e308}", without: "attributes"), Json, "$.attributes.score: an attribute number must be within the range of a double"),
        new("drift overflowing a double", Appended("\"model\":{\"metrics\":{\"driftScore\":1e309}}", without: "model"), Json, "model.metrics.driftScore: Infinity is out of range"),
        new("enum flags syntax", Patched(e => e["system"]!["exposure"] = "Internal, Public"), Json, "$.system.exposure: wrong value or type; expected one of Internal, CustomerFacing, Public"),
        new("enum flags syntax without a space", Patched(e => e["changeType"] = "ModelRegistered,ModelDeployed"), Json, "$.changeType: wrong value or type; expected one of"),
        new("enum name padded with spaces", Patched(e => e["system"]!["euAiActRiskClass"] = " High "), Json, "$.system.euAiActRiskClass: wrong value or type; expected one of"),
        new("enum name with a trailing newline", Patched(e => e["changeType"] = "ModelDeployed\n"), Json, "$.changeType: wrong value or type; expected one of"),
        new("enum value as a numeric string", Patched(e => e["system"]!["autonomy"] = "2"), Json, "$.system.autonomy: wrong value or type; expected one of"),
        new("timestamp without an offset", Patched(e => e["occurredAt"] = "2026-11-29T11:00:00"), Json, "$.occurredAt: '2026-11-29T11:00:00' has no offset"),
        new("timestamp with fractions and no offset", Patched(e => e["occurredAt"] = "2026-11-29T11:00:00.1234567"), Json, "has no offset"),
        new("date without a time", Patched(e => e["occurredAt"] = "2026-11-29"), Json, "$.occurredAt: '2026-11-29' has no offset"),
        new("lone surrogate in a string", Encoding.UTF8.GetBytes(Valid(Guid.NewGuid()).ToJsonString().Replace("\"source\":\"", "\"source\":\"\\ud800", StringComparison.Ordinal)), Json, "$.source: not valid Unicode text"),
        new("content type text/plain", Patched(_ => { }), "text/plain", "the content type 'text/plain' is not accepted"),
        new("content type XML", Patched(_ => { }), "application/xml", "the content type 'application/xml' is not accepted"),
        new("content type octet-stream", Patched(_ => { }), "application/octet-stream", "the content type 'application/octet-stream' is not accepted"),
        new("JSON in UTF-16 by its charset", Patched(_ => { }), "application/json; charset=utf-16", "is not accepted"),

        // MassTransit envelopes.
        new("envelope without message", Encoding.UTF8.GetBytes("""{"messageId":"6a8e3f0e-0000-0000-0000-000000000001","messageType":["urn:message:Aims.Risk.Contracts:AiSystemChanged"]}"""), "application/vnd.masstransit+json", "the MassTransit envelope has no 'message'"),
        new("envelope with a null message", Encoding.UTF8.GetBytes("""{"messageType":["urn:message:Aims.Risk.Contracts:AiSystemChanged"],"message":null}"""), "application/vnd.masstransit+json", "the MassTransit envelope's 'message' is a JSON null"),
        new("envelope that is not JSON", Encoding.UTF8.GetBytes("{\"message\": {"), "application/vnd.masstransit+json", "the MassTransit envelope is not valid JSON"),
        new("envelope with two messages", Encoding.UTF8.GetBytes("{\"messageType\":[\"urn:message:Aims.Risk.Contracts:AiSystemChanged\"],\"message\":" + Valid(Guid.NewGuid()).ToJsonString() + ",\"message\":" + Mutated(e => e["source"] = "other").ToJsonString() + "}"), "application/vnd.masstransit+json", "more than one 'message'"),
        new("envelope whose message is an array", Encoding.UTF8.GetBytes("""{"messageType":["urn:message:Aims.Risk.Contracts:AiSystemChanged"],"message":[1]}"""), "application/vnd.masstransit+json", "the MassTransit envelope's 'message' is a JSON array"),
        new("envelope with a faultAddress", Encoding.UTF8.GetBytes(new JsonObject { ["messageType"] = new JsonArray("urn:message:Aims.Risk.Contracts:AiSystemChanged"), ["faultAddress"] = "rabbitmq://localhost/aims.risk.tests.corpus-fault", ["message"] = Valid(Guid.NewGuid()) }.ToJsonString()), "application/vnd.masstransit+json", "the MassTransit envelope names a faultAddress"),
        new("envelope with a responseAddress", Encoding.UTF8.GetBytes(new JsonObject { ["messageType"] = new JsonArray("urn:message:Aims.Risk.Contracts:AiSystemChanged"), ["responseAddress"] = "rabbitmq://localhost/aims.risk.tests.corpus-response", ["message"] = Valid(Guid.NewGuid()) }.ToJsonString()), "application/vnd.masstransit+json", "the MassTransit envelope names a responseAddress"),
        new("envelope around a bad event", Encoding.UTF8.GetBytes(new JsonObject { ["messageType"] = new JsonArray("urn:message:Aims.Risk.Contracts:AiSystemChanged"), ["message"] = Mutated(e => e["changeType"] = "Nope") }.ToJsonString()), "application/vnd.masstransit+json", "$.changeType: wrong value or type; expected one of"),
    ];

    private static JsonObject Mutated(Action<JsonObject> change)
    {
        var json = Valid(Guid.NewGuid());
        change(json);
        return json;
    }

    private static byte[] Patched(Action<JsonObject> change) => Encoding.UTF8.GetBytes(Mutated(change).ToJsonString());

    /// <summary>A valid event with raw JSON text added as its last member (a bare comma when empty).</summary>
    private static byte[] Appended(string member, string? without = null)
    {
        var valid = Valid(Guid.NewGuid());
        valid.Remove(without ?? "");
        var json = valid.ToJsonString();
        return Encoding.UTF8.GetBytes(json[..^1] + "," + member + "}");
    }

    private static byte[] Truncated()
    {
        var body = Encoding.UTF8.GetBytes(Valid(Guid.NewGuid()).ToJsonString());
        return body[..(body.Length / 2)];
    }

    /// <summary>A valid event whose source holds the bytes C3 28: a lead byte followed by one that cannot continue it.</summary>
    private static byte[] InvalidUtf8()
    {
        var body = Patched(e => e["source"] = "@@");
        var at = body.AsSpan().IndexOf("@@"u8);
        body[at] = 0xC3;
        body[at + 1] = 0x28;
        return body;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 0xFF; // Never valid UTF-8, whatever the seed draws.
        return bytes;
    }
}

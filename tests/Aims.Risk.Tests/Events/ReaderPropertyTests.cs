using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Events;
using Aims.Risk.TestSupport;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Events;

/// <summary>
/// Properties of the strict reader over generated events: valid ones round-trip, any single corruption is refused
/// with an <see cref="InvalidEventException"/> naming the field, and nothing else is ever thrown.
/// </summary>
public sealed class ReaderPropertyTests
{
    /// <summary>Iterations per property; CsCheck shrinks a failure to a small case and prints its seed.</summary>
    public const int Iterations = 2000;

    private static readonly FakeTimeProvider Clock = new(SampleEvents.Now);

    private static readonly Gen<string> Id = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_./@"], 1, 60];

    /// <summary>Any text, control characters and non-ASCII included (no lone surrogates: they are not UTF-8).</summary>
    private static readonly Gen<string> Text = Gen.String[Gen.Char[' ', '\uD7FF'], 0, 80];

    private static readonly Gen<double> Fraction = Gen.Double[0, 1];

    private static readonly Gen<AttributeValue> Attribute = Gen.OneOf(
        Text.Select(AttributeValue.Of),
        Gen.Double[-1e9, 1e9].Select(AttributeValue.Of),
        Gen.Bool.Select(AttributeValue.Of));

    private static readonly Gen<AiSystemChanged> ValidEvent =
        from eventId in Gen.Guid.Where(g => g != Guid.Empty)
        from minutesAgo in Gen.Int[-60, 60 * 24 * 365 * 20]
        from source in Id
        from changeType in Gen.Enum<ChangeType>()
        from system in ValidSystem()
        from model in ValidModel().Null()
        from datasets in ValidDataset().List[0, 5].Null()
        from security in ValidSecurity().Null()
        from evaluation in ValidEvaluation().Null()
        from attributes in Gen.Dictionary(Id, Attribute)[0, 6].Null()
        select new AiSystemChanged
        {
            EventId = eventId,
            OccurredAt = SampleEvents.Now.AddMinutes(-minutesAgo),
            Source = source,
            ChangeType = changeType,
            System = system,
            Model = model,
            Datasets = datasets,
            Security = security,
            Evaluation = evaluation,
            Attributes = attributes,
        };

    private static Gen<AiSystem> ValidSystem() =>
        from id in Id
        from name in Id
        from owner in Id
        from purpose in Text.Null()
        from exposure in Gen.Enum<Exposure>().Nullable()
        from autonomy in Gen.Enum<Autonomy>().Nullable()
        from affects in Gen.Bool.Nullable()
        from riskClass in Gen.Enum<EuAiActRiskClass>().Nullable()
        select new AiSystem { Id = id, Name = name, Owner = owner, Purpose = purpose, Exposure = exposure, Autonomy = autonomy, AffectsIndividuals = affects, EuAiActRiskClass = riskClass };

    private static Gen<ModelInfo> ValidModel() =>
        from name in Id.Null()
        from version in Id.Null()
        from provenance in Gen.Enum<ModelProvenance>().Nullable()
        from accuracy in Fraction.Nullable()
        from fairness in Fraction.Nullable()
        from drift in Gen.Double[0, 100].Nullable()
        select new ModelInfo { Name = name, Version = version, Provenance = provenance, Metrics = new ModelMetrics { Accuracy = accuracy, FairnessGap = fairness, DriftScore = drift } };

    private static Gen<DatasetInfo> ValidDataset() =>
        from name in Id.Null()
        from personal in Gen.Bool.Nullable()
        from consent in Text.Null()
        from region in Id.Null()
        select new DatasetInfo { Name = name, ContainsPersonalData = personal, ConsentBasis = consent, Region = region };

    private static Gen<SecurityInfo> ValidSecurity() =>
        from signed in Gen.Bool.Nullable()
        from vulnerabilities in Gen.Int[0, 10_000].Nullable()
        select new SecurityInfo { ArtifactSigned = signed, CriticalVulnerabilities = vulnerabilities };

    private static Gen<EvaluationInfo> ValidEvaluation() =>
        from bias in Gen.Bool.Nullable()
        from review in Gen.Bool.Nullable()
        select new EvaluationInfo { BiasTestingPerformed = bias, HumanReviewCompleted = review };

    private static byte[] Serialize(AiSystemChanged change) => JsonSerializer.SerializeToUtf8Bytes(change, ContractJson.Options);

    private static AiSystemChanged Read(byte[] body) => AiSystemChangedReader.Read(body, Clock);

    [Fact]
    public void Any_valid_event_round_trips_through_serialise_and_read_unchanged()
    {
        ValidEvent.Sample(change =>
        {
            var body = Serialize(change);

            var read = Read(body);

            Assert.Equal(Encoding.UTF8.GetString(body), Encoding.UTF8.GetString(Serialize(read)));
            Assert.Empty(AiSystemChangedValidator.Validate(read, Clock.GetUtcNow()));
        }, iter: Iterations);
    }

    /// <summary>A required field and a way to break it: dropped, null, a value of the wrong JSON type, or out of range.</summary>
    private static readonly (string Path, string Name)[] RequiredFields =
    [
        ("eventId", "eventId"), ("occurredAt", "occurredAt"), ("source", "source"), ("changeType", "changeType"), ("system", "system"),
        ("system.id", "id"), ("system.name", "name"), ("system.owner", "owner"),
    ];

    private static readonly Gen<JsonNode?> WrongTypeValue = Gen.OneOf(
        Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonArray()),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonObject { ["x"] = 1 }));

    /// <summary>(the field's path, the name its message must carry, the corruption)</summary>
    private static readonly Gen<(string Path, string Name, Action<JsonObject> Corrupt)> Corruption = Gen.OneOf(
        Gen.Int[0, RequiredFields.Length - 1].Select(i => (RequiredFields[i].Path, RequiredFields[i].Name, (Action<JsonObject>)(json => Remove(json, RequiredFields[i].Path)))),
        Gen.Int[0, RequiredFields.Length - 1].Select(i => (RequiredFields[i].Path, RequiredFields[i].Name, (Action<JsonObject>)(json => Set(json, RequiredFields[i].Path, null)))),
        Gen.Select(Gen.Int[0, RequiredFields.Length - 1], WrongTypeValue, (i, value) => (RequiredFields[i].Path, RequiredFields[i].Name, (Action<JsonObject>)(json => Set(json, RequiredFields[i].Path, value)))),
        Gen.Select(Gen.Int[0, 3], Gen.Double[1.0000001, 1e6], (i, value) => Metric(i, value)),
        Gen.Select(Gen.Int[0, 3], Gen.Double[-1e6, -0.0000001], (i, value) => Metric(i, value)),
        Gen.Int[int.MinValue, -1].Select(v => ("security.criticalVulnerabilities", "security.criticalVulnerabilities", (Action<JsonObject>)(json => Set(json, "security", new JsonObject { ["criticalVulnerabilities"] = v })))),
        Gen.Int[1, 36_000].Select(days => ("occurredAt", "occurredAt", (Action<JsonObject>)(json => json["occurredAt"] = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-days).ToString("O")))),
        Gen.Int[2, 3000].Select(days => ("occurredAt", "occurredAt", (Action<JsonObject>)(json => json["occurredAt"] = SampleEvents.Now.AddDays(days).ToString("O")))),
        Gen.Int[0, 2].Select(i => (RequiredFields[5 + i].Path, RequiredFields[5 + i].Path, (Action<JsonObject>)(json => Set(json, RequiredFields[5 + i].Path, " \t ")))),
        Gen.Int[201, 2000].Select(n => ("system.id", "system.id", (Action<JsonObject>)(json => Set(json, "system.id", new string('x', n))))),
        Gen.String[Gen.Char.AlphaNumeric, 1, 20].Where(s => !Enum.GetNames<ChangeType>().Contains(s, StringComparer.OrdinalIgnoreCase))
            .Select(s => ("changeType", "changeType", (Action<JsonObject>)(json => json["changeType"] = s))));

    private static (string, string, Action<JsonObject>) Metric(int index, double value)
    {
        var name = new[] { "accuracy", "previousAccuracy", "fairnessGap", "driftScore" }[index];
        if (name == "driftScore" && value > 0)
        {
            value = -value;
        }

        return ($"model.metrics.{name}", $"model.metrics.{name}", json => Set(json, "model", new JsonObject { ["metrics"] = new JsonObject { [name] = value } }));
    }

    [Fact]
    public void Any_single_corruption_of_a_valid_event_is_refused_naming_the_field()
    {
        Gen.Select(ValidEvent, Corruption).Sample((change, corruption) =>
        {
            var json = JsonSerializer.SerializeToNode(change, ContractJson.Options)!.AsObject();
            corruption.Corrupt(json);

            var ex = Assert.Throws<InvalidEventException>(() => Read(Encoding.UTF8.GetBytes(json.ToJsonString())));

            Assert.Contains(corruption.Name, ex.Message, StringComparison.Ordinal);
        }, iter: Iterations);
    }

    [Fact]
    public void Random_bytes_are_refused_with_an_invalid_event_exception_and_nothing_else()
    {
        Gen.Byte.Array[0, 2048].Sample(bytes =>
        {
            _ = Assert.Throws<InvalidEventException>(() => Read(bytes));
            _ = Record.Exception(() => AiSystemChangedReader.CheckSyntax(bytes)) is { } e ? Assert.IsType<InvalidEventException>(e) : null;
        }, iter: Iterations);
    }

    [Fact]
    public void Valid_event_with_random_bytes_overwritten_is_read_or_refused_with_an_invalid_event_exception()
    {
        Gen.Select(ValidEvent, Gen.Int[1, 8], Gen.Int, Gen.Byte).Sample((change, count, position, value) =>
        {
            var body = Serialize(change);
            for (var i = 0; i < count; i++)
            {
                body[(int)((uint)(position + (i * 7919)) % (uint)body.Length)] = (byte)(value + i);
            }

            var error = Record.Exception(() => Read(body));

            Assert.True(error is null or InvalidEventException, $"{error?.GetType().Name}: {error?.Message}");
        }, iter: Iterations);
    }

    /// <summary>Literals that an earlier reader accepted and later code choked on or misread, and some it handles well.</summary>
    private static readonly string[] HostileLiterals =
    [
        "1e400", "-1e400", "1.7976931348623159e308", "1e-400", "-0", "0e0", "4.9e-324",
        "\"Internal, Public\"", "\"Internal,Public\"", "\" Public\"", "\"Public \"", "\"public\"", "\"1\"",
        "\"2026-11-29T11:00:00\"", "\"2026-11-29\"", "\"2026-11-29T11:00:00+14:00\"", "\"2026-11-29T11:00:00.9999999Z\"",
        "\"\\ud800\"", "\"\\u0000\"", "\"\\udbff\\udfff\"", "true", "null", "[]", "{}",
    ];

    private static readonly Gen<string> HostileLiteral = Gen.Int[0, HostileLiterals.Length - 1].Select(i => HostileLiterals[i]);

    [Fact]
    public void Whatever_the_reader_accepts_has_a_canonical_payload_that_reads_back_equal()
    {
        // The reader is the single gate: an accepted event must be storable (the canonical payload) and mean the same
        // when read back from the register. A hostile literal replaces one value of a valid event, or is added as an attribute.
        Gen.Select(ValidEvent, Gen.Int, HostileLiteral).Sample((change, position, literal) =>
        {
            var json = JsonSerializer.SerializeToNode(change, ContractJson.Options)!.AsObject();
            json["attributes"] ??= new JsonObject();
            var leaves = Leaves(json).ToList();
            var (parent, key) = leaves[(int)((uint)position % (uint)leaves.Count)];
            parent[key] = "@@HOSTILE@@";
            var body = Encoding.UTF8.GetBytes(json.ToJsonString().Replace("\"@@HOSTILE@@\"", literal, StringComparison.Ordinal));

            AiSystemChanged read;
            try
            {
                read = Read(body);
            }
            catch (InvalidEventException)
            {
                return;
            }

            var payload = Aims.Risk.Core.Risks.RegisterMapping.CanonicalPayload(read);
            var again = Read(Encoding.UTF8.GetBytes(payload));
            Assert.Equal(payload, Aims.Risk.Core.Risks.RegisterMapping.CanonicalPayload(again));
            Assert.Equal(read.OccurredAt.UtcTicks, again.OccurredAt.UtcTicks);
        }, iter: Iterations);
    }

    /// <summary>Every value of an object, nested ones included, as (its parent, its key); an attributes object gains a new key.</summary>
    private static IEnumerable<(JsonObject Parent, string Key)> Leaves(JsonObject json)
    {
        foreach (var (key, value) in json.ToList())
        {
            yield return (json, key);
            if (value is JsonObject inner)
            {
                foreach (var leaf in Leaves(inner))
                {
                    yield return leaf;
                }
            }
        }

        yield return (json, "hostile");
    }

    /// <summary>Events with values anywhere, in range or not: the reader accepts exactly those the validator accepts.</summary>
    private static readonly Gen<AiSystemChanged> AnyEvent =
        from change in ValidEvent
        from source in Gen.OneOf(Id, Gen.Const(""), Gen.Const("  "), Gen.String[Gen.Char.AlphaNumeric, 190, 210])
        from systemId in Gen.OneOf(Id, Gen.Const(""), Gen.String[Gen.Char.AlphaNumeric, 195, 205])
        from daysAgo in Gen.Int[-5, 12_000]
        from accuracy in Gen.Double[-0.5, 1.5].Nullable()
        from vulnerabilities in Gen.Int[-3, 3].Nullable()
        from datasetCount in Gen.OneOf(Gen.Int[0, 3], Gen.Int[995, 1005])
        from attributeCount in Gen.OneOf(Gen.Int[0, 3], Gen.Int[250, 260])
        select change with
        {
            Source = source,
            OccurredAt = SampleEvents.Now.AddDays(-daysAgo),
            System = change.System with { Id = systemId },
            Model = new ModelInfo { Metrics = new ModelMetrics { Accuracy = accuracy } },
            Security = new SecurityInfo { CriticalVulnerabilities = vulnerabilities },
            Datasets = [.. Enumerable.Range(0, datasetCount).Select(i => new DatasetInfo { Name = $"d{i}" })],
            Attributes = Enumerable.Range(0, attributeCount).ToDictionary(i => $"a{i}", i => AttributeValue.Of(i)),
        };

    [Fact]
    public void Reader_accepts_exactly_the_events_the_validator_accepts()
    {
        AnyEvent.Sample(change =>
        {
            var problems = AiSystemChangedValidator.Validate(change, Clock.GetUtcNow());

            var error = Record.Exception(() => Read(Serialize(change)));

            if (problems.Count == 0)
            {
                Assert.Null(error);
            }
            else
            {
                var refused = Assert.IsType<InvalidEventException>(error);
                Assert.Contains(problems[0], refused.Message, StringComparison.Ordinal);
            }
        }, iter: Iterations);
    }

    private static void Remove(JsonObject json, string path)
    {
        var (parent, name) = Locate(json, path);
        parent?.Remove(name);
    }

    private static void Set(JsonObject json, string path, JsonNode? value)
    {
        var (parent, name) = Locate(json, path);
        if (parent is not null)
        {
            parent[name] = value;
        }
    }

    private static (JsonObject? Parent, string Name) Locate(JsonObject json, string path)
    {
        var parts = path.Split('.');
        JsonObject? parent = json;
        foreach (var part in parts[..^1])
        {
            parent = parent?[part] as JsonObject;
        }

        return (parent, parts[^1]);
    }
}

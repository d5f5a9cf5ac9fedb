using Aims.Risk.TestSupport;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Events;

/// <summary>
/// Each limit of <see cref="AiSystemChangedValidator"/> at its edge: the last value accepted and the first refused,
/// with the exact problem text. The property tests refuse values far beyond the limits; these pin the limits themselves.
/// </summary>
public sealed class ValidatorBoundaryTests
{
    private static readonly DateTimeOffset Now = SampleEvents.Now;

    private static IReadOnlyList<string> Validate(AiSystemChanged change) => AiSystemChangedValidator.Validate(change, Now);

    private static AiSystemChanged Valid => SampleEvents.Change();

    private static string Text(int length) => new('x', length);

    [Fact]
    public void A_valid_event_has_no_problem() => Assert.Empty(Validate(Valid));

    [Fact]
    public void The_empty_event_id_is_refused() =>
        Assert.Equal(["eventId: must not be the empty UUID"], Validate(Valid with { EventId = Guid.Empty }));

    [Fact]
    public void OccurredAt_from_2000_to_one_day_ahead_is_accepted_and_a_tick_outside_is_refused()
    {
        var earliest = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Empty(Validate(Valid with { OccurredAt = earliest }));
        Assert.Empty(Validate(Valid with { OccurredAt = Now.AddDays(1) }));
        Assert.Equal(
            ["occurredAt: 1999-12-31T23:59:59.9999999+00:00 is out of range (from 2000-01-01 to one day ahead of now)"],
            Validate(Valid with { OccurredAt = earliest.AddTicks(-1) }));
        Assert.Equal(
            ["occurredAt: 2026-11-30T12:00:00.0000001+00:00 is out of range (from 2000-01-01 to one day ahead of now)"],
            Validate(Valid with { OccurredAt = Now.AddDays(1).AddTicks(1) }));
    }

    [Fact]
    public void A_missing_system_is_one_problem() =>
        Assert.Equal(["system: is required"], Validate(Valid with { System = null! }));

    [Theory]
    [InlineData("source")]
    [InlineData("system.id")]
    [InlineData("system.name")]
    [InlineData("system.owner")]
    public void Required_text_is_refused_blank_and_accepted_at_200_characters_but_not_201(string field)
    {
        Assert.Equal([$"{field}: is required and must not be empty"], Validate(WithText(field, " ")));
        Assert.Empty(Validate(WithText(field, Text(200))));
        Assert.Equal([$"{field}: 201 characters; the limit is 200"], Validate(WithText(field, Text(201))));
    }

    [Theory]
    [InlineData("system.purpose", 4096)]
    [InlineData("system.domain", 200)]
    [InlineData("model.name", 200)]
    [InlineData("model.version", 200)]
    [InlineData("model.previousVersion", 200)]
    [InlineData("model.licence", 200)]
    [InlineData("datasets[0].name", 200)]
    [InlineData("datasets[0].consentBasis", 200)]
    [InlineData("datasets[0].licence", 200)]
    [InlineData("datasets[0].region", 200)]
    [InlineData("datasets[0].specialCategoryCondition", 200)]
    public void Optional_text_may_be_blank_and_is_refused_one_character_over_its_limit(string field, int limit)
    {
        Assert.Empty(Validate(WithText(field, " ")));
        Assert.Empty(Validate(WithText(field, Text(limit))));
        Assert.Equal([$"{field}: {limit + 1} characters; the limit is {limit}"], Validate(WithText(field, Text(limit + 1))));
    }

    [Theory]
    [InlineData("accuracy")]
    [InlineData("previousAccuracy")]
    [InlineData("fairnessGap")]
    public void A_fraction_from_0_to_1_is_accepted_and_anything_else_refused(string metric)
    {
        Assert.Empty(Validate(WithMetric(metric, 0)));
        Assert.Empty(Validate(WithMetric(metric, 1)));
        Assert.Equal([$"model.metrics.{metric}: 1.001 is out of range (0 to 1)"], Validate(WithMetric(metric, 1.001)));
        Assert.Equal([$"model.metrics.{metric}: -0.001 is out of range (0 to 1)"], Validate(WithMetric(metric, -0.001)));
        Assert.Single(Validate(WithMetric(metric, double.NaN)));
    }

    [Theory]
    [InlineData("driftScore")]
    [InlineData("trainingEnergyKwh")]
    public void A_non_negative_metric_accepts_0_and_refuses_negative_and_non_finite(string metric)
    {
        Assert.Empty(Validate(WithMetric(metric, 0)));
        Assert.Empty(Validate(WithMetric(metric, 1e6)));
        Assert.Equal([$"model.metrics.{metric}: -0.5 is out of range (0 or more)"], Validate(WithMetric(metric, -0.5)));
        Assert.Single(Validate(WithMetric(metric, double.PositiveInfinity)));
        Assert.Single(Validate(WithMetric(metric, double.NaN)));
    }

    [Fact]
    public void Up_to_1000_datasets_are_accepted_and_1001_refused()
    {
        var dataset = new DatasetInfo { Name = "d" };

        Assert.Empty(Validate(Valid with { Datasets = [.. Enumerable.Repeat(dataset, 1000)] }));
        Assert.Equal(["datasets: 1001 items; the limit is 1000"], Validate(Valid with { Datasets = [.. Enumerable.Repeat(dataset, 1001)] }));
    }

    [Fact]
    public void A_null_dataset_is_named_by_its_index_and_the_next_one_is_still_checked() =>
        Assert.Equal(
            ["datasets[1]: must be an object, not null", "datasets[2].name: 201 characters; the limit is 200"],
            Validate(Valid with { Datasets = [new DatasetInfo(), null!, new DatasetInfo { Name = Text(201) }] }));

    [Fact]
    public void Critical_vulnerabilities_may_be_0_but_not_negative()
    {
        Assert.Empty(Validate(Valid with { Security = new SecurityInfo { CriticalVulnerabilities = 0 } }));
        Assert.Equal(
            ["security.criticalVulnerabilities: -1 is out of range (0 or more)"],
            Validate(Valid with { Security = new SecurityInfo { CriticalVulnerabilities = -1 } }));
    }

    [Fact]
    public void Up_to_256_attributes_are_accepted_and_257_refused()
    {
        Assert.Empty(Validate(WithAttributes(256)));
        Assert.Equal(["attributes: 257 entries; the limit is 256"], Validate(WithAttributes(257)));
    }

    [Fact]
    public void An_attribute_key_has_1_to_200_characters()
    {
        Assert.Empty(Validate(WithAttribute(Text(1), AttributeValue.Of(true))));
        Assert.Empty(Validate(WithAttribute(Text(200), AttributeValue.Of(true))));
        Assert.Equal(["attributes: a key must have 1 to 200 characters"], Validate(WithAttribute("", AttributeValue.Of(true))));
        Assert.Equal(["attributes: a key must have 1 to 200 characters"], Validate(WithAttribute(Text(201), AttributeValue.Of(true))));
    }

    [Fact]
    public void An_attribute_value_is_not_null_and_its_text_has_at_most_4096_characters()
    {
        Assert.Equal(["attributes.k: must be a string, a number or a boolean, not null"], Validate(WithAttribute("k", null!)));
        Assert.Empty(Validate(WithAttribute("k", AttributeValue.Of(Text(4096)))));
        Assert.Equal(["attributes.k: longer than 4096 characters"], Validate(WithAttribute("k", AttributeValue.Of(Text(4097)))));
    }

    [Fact]
    public void Every_problem_is_reported_not_only_the_first()
    {
        var change = Valid with
        {
            EventId = Guid.Empty,
            Source = "",
            System = new AiSystem { Id = "", Name = "n", Owner = "" },
            Security = new SecurityInfo { CriticalVulnerabilities = -2 },
        };

        Assert.Equal(
            [
                "eventId: must not be the empty UUID",
                "source: is required and must not be empty",
                "system.id: is required and must not be empty",
                "system.owner: is required and must not be empty",
                "security.criticalVulnerabilities: -2 is out of range (0 or more)",
            ],
            Validate(change));
    }

    private static AiSystemChanged WithMetric(string metric, double value) => Valid with
    {
        Model = new ModelInfo
        {
            Metrics = metric switch
            {
                "accuracy" => new ModelMetrics { Accuracy = value },
                "previousAccuracy" => new ModelMetrics { PreviousAccuracy = value },
                "fairnessGap" => new ModelMetrics { FairnessGap = value },
                "driftScore" => new ModelMetrics { DriftScore = value },
                "trainingEnergyKwh" => new ModelMetrics { TrainingEnergyKwh = value },
                _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
            },
        },
    };

    private static AiSystemChanged WithAttributes(int count) =>
        Valid with { Attributes = Enumerable.Range(0, count).ToDictionary(i => $"a{i}", _ => AttributeValue.Of(1.0)) };

    private static AiSystemChanged WithAttribute(string key, AttributeValue value) =>
        Valid with { Attributes = new Dictionary<string, AttributeValue> { [key] = value } };

    private static AiSystemChanged WithText(string field, string value)
    {
        var change = Valid;
        return field switch
        {
            "source" => change with { Source = value },
            "system.id" => change with { System = change.System with { Id = value } },
            "system.name" => change with { System = change.System with { Name = value } },
            "system.owner" => change with { System = change.System with { Owner = value } },
            "system.purpose" => change with { System = change.System with { Purpose = value } },
            "system.domain" => change with { System = change.System with { Domain = value } },
            "model.name" => change with { Model = new ModelInfo { Name = value } },
            "model.version" => change with { Model = new ModelInfo { Version = value } },
            "model.previousVersion" => change with { Model = new ModelInfo { PreviousVersion = value } },
            "model.licence" => change with { Model = new ModelInfo { Licence = value } },
            "datasets[0].name" => change with { Datasets = [new DatasetInfo { Name = value }] },
            "datasets[0].consentBasis" => change with { Datasets = [new DatasetInfo { ConsentBasis = value }] },
            "datasets[0].licence" => change with { Datasets = [new DatasetInfo { Licence = value }] },
            "datasets[0].region" => change with { Datasets = [new DatasetInfo { Region = value }] },
            "datasets[0].specialCategoryCondition" => change with { Datasets = [new DatasetInfo { SpecialCategoryCondition = value }] },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };
    }
}

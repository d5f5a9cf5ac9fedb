using System.Text;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Sources;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Sources;

public sealed class AzureMlEventTests
{
    [Fact]
    public void Subscription_validation_returns_the_validation_code()
    {
        var (code, events) = Read(PlatformPayloads.EventGridValidation);

        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", code);
        Assert.Empty(events);
    }

    [Fact]
    public void Model_registered_maps_name_version_and_tags_with_an_id_of_the_event_grid_id()
    {
        var (_, events) = Read(PlatformPayloads.EventGrid("Microsoft.MachineLearningServices.ModelRegistered", PlatformPayloads.AzureModelRegisteredData));

        var change = Assert.Single(Assert.Single(events).Changes);
        Assert.Equal(("azureml", "credit-scoring", ChangeType.ModelRegistered), (change.Platform, change.Model, change.ChangeType));
        Assert.Equal("2", change.ModelInfo!.Version);
        Assert.Equal("Limited", change.Tags["aims.euAiActRiskClass"]);
        Assert.Equal(SourceEventIds.For("azureml", "831e1650-001e-001b-66ab-eeb76e069631"), change.EventId);
        Assert.EndsWith("/workspaces/ml-ws", change.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_deployed_maps_each_model_of_the_service()
    {
        var data = PlatformPayloads.AzureModelDeployedData.Replace("\"credit-scoring:2\"", "\"credit-scoring:2,fraud-model:7\"", StringComparison.Ordinal);

        var changes = Assert.Single(Read(PlatformPayloads.EventGrid("Microsoft.MachineLearningServices.ModelDeployed", data)).Events).Changes;

        Assert.Equal(["credit-scoring", "fraud-model"], changes.Select(c => c.Model));
        Assert.Equal(["2", "7"], changes.Select(c => c.ModelInfo!.Version));
        Assert.All(changes, c => Assert.Equal(ChangeType.ModelDeployed, c.ChangeType));
        Assert.All(changes, c => Assert.Equal("true", c.Tags["aims.security.artifactSigned"]));
        Assert.NotEqual(changes[0].EventId, changes[1].EventId);
    }

    [Fact]
    public void Dataset_drift_maps_the_coefficient_to_the_drift_score_of_the_monitor()
    {
        var change = Assert.Single(Assert.Single(Read(PlatformPayloads.EventGrid("Microsoft.MachineLearningServices.DatasetDriftDetected", PlatformPayloads.AzureDriftData)).Events).Changes);

        Assert.Equal(("demand-forecast-drift", ChangeType.MonitoringAlert), (change.Model, change.ChangeType));
        Assert.Equal(0.83, change.ModelInfo!.Metrics!.DriftScore);
    }

    [Fact]
    public void Run_completed_is_a_retrained_model_named_by_the_run_tag()
    {
        var change = Assert.Single(Assert.Single(Read(PlatformPayloads.EventGrid("Microsoft.MachineLearningServices.RunCompleted", PlatformPayloads.AzureRunCompletedData)).Events).Changes);

        Assert.Equal(("credit-scoring", ChangeType.ModelRetrained), (change.Model, change.ChangeType));
        Assert.False(change.Tags.ContainsKey("aims.model"));
    }

    [Fact]
    public void Other_event_types_are_ignored()
    {
        var result = Assert.Single(Read(PlatformPayloads.EventGrid("Microsoft.MachineLearningServices.RunStatusChanged", """{"runStatus":"Running"}""")).Events);

        Assert.Empty(result.Changes);
        Assert.Contains("RunStatusChanged is not a change to assess", result.Ignored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"id":"1"}]""", "$[0].eventType: missing")]
    [InlineData("""[{"id":"1","eventType":"Microsoft.MachineLearningServices.ModelRegistered","eventTime":"2026-11-29T16:45:00Z","data":{"modelVersion":"1"}}]""", "data.modelName: missing")]
    [InlineData("""[{"id":"1","eventType":"Microsoft.MachineLearningServices.DatasetDriftDetected","eventTime":"2026-11-29T16:45:00Z","data":{"dataDriftName":"m","driftCoefficient":"high"}}]""", "data.driftCoefficient")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("42", "not an Event Grid event array")]
    public void Malformed_events_are_refused_naming_what_is_wrong(string body, string reason)
    {
        var ex = Assert.Throws<SourceFormatException>(() => Read(body));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static (string? ValidationCode, IReadOnlyList<MappingResult> Events) Read(string body) =>
        AzureMlEvent.ReadEventGridSchema(Encoding.UTF8.GetBytes(body), "aims.");
}

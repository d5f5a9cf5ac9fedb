using Aims.Risk.Contracts;
using Aims.Risk.Core.Catalog;
using Aims.Risk.Core.Sources;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Sources;

public sealed class ChangeComposerTests
{
    private static readonly SystemCatalog Catalog = CatalogLoader.Load(Path.Combine(RepositoryRoot.Path, "deploy", "catalog", "systems.json"));

    [Fact]
    public void The_catalogue_decides_system_owner_risk_class_and_evidence_and_is_recorded_as_their_source()
    {
        var change = ChangeComposer.Compose(Change("credit-scoring"), Catalog, null, "aims.");

        Assert.Equal(("credit-scoring", "risk-team@example.com", EuAiActRiskClass.High), (change.System.Id, change.System.Owner, change.System.EuAiActRiskClass));
        Assert.Equal(Exposure.CustomerFacing, change.System.Exposure);
        Assert.False(change.Security!.ArtifactSigned);
        Assert.True(change.Evaluation!.BiasTestingPerformed);
        Assert.Equal("CC-1042", change.Attributes!["costCentre"].Text);
        Assert.Equal("catalog 1.0.0", change.Attributes["fieldSource.system.owner"].Text);
        Assert.Equal("catalog 1.0.0", change.Attributes["fieldSource.security.artifactSigned"].Text);
        Assert.Equal("5d9c", change.Attributes["mlflow.runId"].Text);
    }

    [Fact]
    public void Tags_with_the_prefix_win_over_the_catalogue_and_are_recorded_as_the_source()
    {
        var tags = new Dictionary<string, string>
        {
            ["aims.owner"] = "ml-platform@example.com",
            ["aims.euAiActRiskClass"] = "Limited",
            ["aims.security.artifactSigned"] = "true",
            ["aims.security.criticalVulnerabilities"] = "2",
            ["aims.metrics.accuracy"] = "0.91",
            ["aims.attributes.rollbackPlanTested"] = "true",
            ["team"] = "risk",
        };

        var change = ChangeComposer.Compose(Change("credit-scoring", tags), Catalog, null, "aims.");

        Assert.Equal(("ml-platform@example.com", EuAiActRiskClass.Limited), (change.System.Owner, change.System.EuAiActRiskClass));
        Assert.Equal((true, 2), (change.Security!.ArtifactSigned, change.Security.CriticalVulnerabilities));
        Assert.Equal(0.91, change.Model!.Metrics!.Accuracy);
        Assert.True(change.Attributes!["rollbackPlanTested"].Flag);
        Assert.Equal("tag aims.owner", change.Attributes["fieldSource.system.owner"].Text);
        Assert.Equal("tag aims.security.artifactSigned", change.Attributes["fieldSource.security.artifactSigned"].Text);
        Assert.Equal("catalog 1.0.0", change.Attributes["fieldSource.system.exposure"].Text);
        Assert.False(change.Attributes.ContainsKey("team"));
    }

    [Fact]
    public void An_unknown_model_is_refused_naming_the_model_and_the_catalogue()
    {
        var ex = Assert.Throws<UnprocessableChangeException>(() => ChangeComposer.Compose(Change("churn-model"), Catalog, "catalog/systems.json", "aims."));

        Assert.Contains("'mlflow:churn-model'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("catalog/systems.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("version 1.0.0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_catalogue_every_model_is_refused()
    {
        var ex = Assert.Throws<UnprocessableChangeException>(() => ChangeComposer.Compose(Change("credit-scoring"), null, null, "aims."));

        Assert.Contains("Catalog:Path", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aims.exposure", "Everyone", "not one of Internal, CustomerFacing, Public")]
    [InlineData("aims.affectsIndividuals", "yes", "not true or false")]
    [InlineData("aims.security.criticalVulnerabilities", "-1", "not a whole number")]
    [InlineData("aims.metrics.driftScore", "NaN", "not a number")]
    [InlineData("aims.ownr", "x@example.com", "names no field")]
    public void A_tag_value_the_contract_does_not_allow_is_refused_naming_the_tag(string tag, string value, string reason)
    {
        var ex = Assert.Throws<UnprocessableChangeException>(() => ChangeComposer.Compose(Change("credit-scoring", new Dictionary<string, string> { [tag] = value }), Catalog, null, "aims."));

        Assert.Contains(tag, ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static PlatformChange Change(string model, IReadOnlyDictionary<string, string>? tags = null) => new()
    {
        Platform = "mlflow",
        Model = model,
        EventId = Guid.Parse("e1e3f7be-6d16-5e4f-9b6a-65e9629284fa"),
        OccurredAt = SampleEvents.Now,
        Source = "mlflow",
        ChangeType = ChangeType.ModelDeployed,
        ModelInfo = new ModelInfo { Name = model, Version = "3" },
        Tags = tags ?? new Dictionary<string, string>(),
        Attributes = new Dictionary<string, AttributeValue> { ["mlflow.runId"] = AttributeValue.Of("5d9c") },
    };
}

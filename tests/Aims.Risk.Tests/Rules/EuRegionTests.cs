using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Rules;

/// <summary>
/// PRIV-006 (personal data outside the EU/EEA without a transfer mechanism) must know the EU/EEA regions in the
/// forms the big clouds write them, and the UK and Swiss regions, which adequacy decisions cover.
/// </summary>
public sealed class EuRegionTests
{
    private static readonly Lazy<CompiledRule> Priv006 = new(() => RuleSetLoader.Load(RepositoryRoot.Rules).Rules.Single(r => r.Definition.Id == "PRIV-006"));

    public static TheoryData<string> EuRegions() =>
    [
        "EU", "eu", " EU ", "EEA",

        // AWS
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eusc-de-east-1",

        // Google Cloud
        "europe-west1", "europe-west3", "europe-west4", "europe-west9", "europe-north1", "europe-central2", "europe-southwest1", "europe-west2", "europe-west6",

        // Azure, as region names and as display names
        "westeurope", "northeurope", "francecentral", "germanywestcentral", "swedencentral", "italynorth", "polandcentral", "spaincentral",
        "norwayeast", "austriaeast", "belgiumcentral", "denmarkeast", "switzerlandnorth", "uksouth", "ukwest", "West Europe", "North Europe", "Europe",

        // Oracle and IBM
        "eu-frankfurt-1", "eu-amsterdam-1", "uk-london-1", "eu-de", "eu-gb",
    ];

    public static TheoryData<string> OtherRegions() =>
    [
        "US", "us-east-1", "us-central1", "eastus", "westus2", "ap-southeast-1", "asia-east1", "australiaeast", "me-central-1", "sa-east-1",
        "canadacentral", "japaneast", "il-central-1", "APAC",
    ];

    /// <summary>With transferSafeguardsInPlace = false, so that the event carries all the rule reads and can resolve it.</summary>
    private static AiSystemChanged PersonalDataIn(string region, bool safeguards = false) => SampleEvents.Change() with
    {
        Datasets = [new DatasetInfo { Name = "customers", ContainsPersonalData = true, Region = region }],
        Attributes = new Dictionary<string, AttributeValue> { ["transferSafeguardsInPlace"] = AttributeValue.Of(safeguards) },
    };

    [Theory]
    [MemberData(nameof(EuRegions))]
    public void Personal_data_in_an_EU_EEA_UK_or_Swiss_region_needs_no_transfer_mechanism(string region)
    {
        var change = EventNormalizer.Normalize(PersonalDataIn(region));

        Assert.False(Priv006.Value.Fires(change), $"{region} was taken for a region outside the EU/EEA");
        Assert.True(Priv006.Value.Clears(change), $"{region}: an event that shows the data in the EU should resolve the risk");
    }

    [Theory]
    [MemberData(nameof(OtherRegions))]
    public void Personal_data_elsewhere_without_a_transfer_mechanism_is_a_risk(string region)
    {
        Assert.True(Priv006.Value.Fires(EventNormalizer.Normalize(PersonalDataIn(region))), region);
    }

    [Fact]
    public void A_recorded_transfer_mechanism_covers_other_regions()
    {
        Assert.False(Priv006.Value.Fires(EventNormalizer.Normalize(PersonalDataIn("us-east-1", safeguards: true))));
    }
}

using System.Text.Json.Serialization;

namespace Aims.Risk.Contracts;

[JsonConverter(typeof(StrictEnumConverter<ChangeType>))]
public enum ChangeType
{
    ModelRegistered,
    ModelRetrained,
    ModelDeployed,
    DatasetChanged,
    ThirdPartyComponentChanged,
    IntendedUseChanged,
    ConfigurationChanged,
    MonitoringAlert,
    Decommissioned,
}

[JsonConverter(typeof(StrictEnumConverter<Exposure>))]
public enum Exposure
{
    Internal,
    CustomerFacing,
    Public,
}

[JsonConverter(typeof(StrictEnumConverter<Autonomy>))]
public enum Autonomy
{
    HumanInTheLoop,
    HumanOnTheLoop,
    FullyAutomated,
}

[JsonConverter(typeof(StrictEnumConverter<EuAiActRiskClass>))]
public enum EuAiActRiskClass
{
    Minimal,
    Limited,
    High,
    Unacceptable,
    Unknown,
}

[JsonConverter(typeof(StrictEnumConverter<ModelProvenance>))]
public enum ModelProvenance
{
    InHouse,
    ThirdPartyApi,
    OpenWeights,
    Vendor,
}

/// <summary>ISO/IEC 42001 6.1.3 risk treatment options.</summary>
[JsonConverter(typeof(StrictEnumConverter<Treatment>))]
public enum Treatment
{
    Mitigate,
    Avoid,
    Transfer,
    Accept,
}

/// <summary>Levels of the risk criteria grid, lowest first: their order is used for thresholds.</summary>
[JsonConverter(typeof(StrictEnumConverter<RiskLevel>))]
public enum RiskLevel
{
    Low,
    Medium,
    High,
    Critical,
}

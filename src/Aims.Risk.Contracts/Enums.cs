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

/// <summary>
/// The use of biometric data: 1:1 verification (is this the claimed person), 1:n identification (who is this),
/// categorisation (assigning people to groups from biometric data), emotion recognition.
/// </summary>
[JsonConverter(typeof(StrictEnumConverter<BiometricUse>))]
public enum BiometricUse
{
    None,
    Verification,
    Identification,
    Categorisation,
    EmotionRecognition,
}

/// <summary>Where a dataset's content comes from; web-scraped, public and user-generated data are not under the organisation's control.</summary>
[JsonConverter(typeof(StrictEnumConverter<DataOrigin>))]
public enum DataOrigin
{
    Internal,
    Supplier,
    Public,
    WebScraped,
    UserGenerated,
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

using System.Text.Json.Serialization;

namespace Aims.Risk.Contracts;

/// <summary>Where a risk stands in its lifecycle. The names travel on the wire and are stored as they are.</summary>
[JsonConverter(typeof(StrictEnumConverter<RiskStatus>))]
public enum RiskStatus
{
    /// <summary>Below the acceptance threshold, by the criteria: within appetite, no task.</summary>
    Tolerated,

    /// <summary>At or above the threshold: a treatment task went to the owner.</summary>
    TreatmentRequested,

    /// <summary>The owner acknowledged the task and is treating the risk.</summary>
    InTreatment,

    /// <summary>Treated: a residual risk below the threshold was recorded.</summary>
    Treated,

    /// <summary>An approver accepted the risk until a date.</summary>
    Accepted,

    /// <summary>Shared with a third party (insurance, contract).</summary>
    Transferred,

    /// <summary>The activity that gave rise to it was stopped.</summary>
    Avoided,

    /// <summary>It no longer applies: a later assessment showed the condition gone.</summary>
    Resolved,
}

using System.Text.Json.Serialization;

namespace Aims.Risk.Contracts;

/// <summary>What a risk owner reports in a <see cref="RiskTreatmentUpdated"/>.</summary>
[JsonConverter(typeof(StrictEnumConverter<TreatmentAction>))]
public enum TreatmentAction
{
    /// <summary>The owner took the task: <see cref="RiskStatus.InTreatment"/>.</summary>
    Acknowledged,

    /// <summary>Controls applied; the residual likelihood and impact are required: <see cref="RiskStatus.Treated"/> when the
    /// residual is below the acceptance threshold, otherwise treatment goes on.</summary>
    Mitigated,

    /// <summary>An approver accepts the risk until <c>acceptedUntil</c>.</summary>
    Accepted,

    Transferred,

    Avoided,

    /// <summary>Back to <see cref="RiskStatus.TreatmentRequested"/>, with a new task.</summary>
    Reopened,
}

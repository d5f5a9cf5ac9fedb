namespace Aims.Risk.Core.Storage;

public enum RiskEntryStatus
{
    /// <summary>Below the acceptance threshold: within risk appetite, no task.</summary>
    Accepted,

    /// <summary>At or above the threshold: a treatment task was requested from the owner.</summary>
    TreatmentRequested,
}

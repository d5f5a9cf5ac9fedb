using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Reassessment;

/// <summary>What re-assessing one system did: the tasks and status events to publish, or why it was skipped.</summary>
/// <param name="DerivedEventId">The event the re-assessment is recorded under; null when skipped.</param>
/// <param name="Skipped">Why nothing was re-assessed (a newer event came first, the run was superseded); null otherwise.</param>
public sealed record ReassessmentOutcome(
    Guid? DerivedEventId,
    bool IsDuplicate,
    IReadOnlyList<RiskTreatmentRequested> Tasks,
    IReadOnlyList<RiskStatusChanged> Changes,
    string? Skipped)
{
    public static ReassessmentOutcome Skip(string why) => new(null, false, [], [], why);
}

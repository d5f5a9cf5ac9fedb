using Aims.Risk.Contracts;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Consumers;

/// <param name="IsDuplicate">The event was recorded before; nothing new was written.</param>
/// <param name="Entries">The entries as stored.</param>
/// <param name="Tasks">The treatment tasks to publish (the same ids on every redelivery).</param>
/// <param name="Changes">The risk transitions to publish as status events (the same ids on every redelivery).</param>
public sealed record ChangeOutcome(
    bool IsDuplicate,
    EventAssessment Assessment,
    IReadOnlyList<RiskEntryRecord> Entries,
    IReadOnlyList<RiskTreatmentRequested> Tasks,
    IReadOnlyList<RiskStatusChanged> Changes);

using Aims.Risk.Contracts;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Risks;

/// <param name="Applied">The transition written now; null when it was a duplicate or there was nothing to do.</param>
/// <param name="IsDuplicate">The update had been applied before: nothing changed.</param>
/// <param name="Change">The status event (written to the outbox with the transition).</param>
/// <param name="Task">The treatment task the transition requested, if any (in the outbox too).</param>
public sealed record TransitionOutcome(RiskTransition? Applied, bool IsDuplicate, RiskStatusChanged? Change, RiskTreatmentRequested? Task);

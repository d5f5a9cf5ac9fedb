using Aims.Risk.Core.Risks;

namespace Aims.Risk.Core.Storage;

/// <param name="Stored">The submission as stored: its version and the risks it is linked to.</param>
/// <param name="Resolutions">The transitions it caused (risks resolved), each with its status event in the outbox.</param>
public sealed record ImpactAssessmentSubmission(ImpactAssessmentRecord Stored, IReadOnlyList<RiskTransition> Resolutions);

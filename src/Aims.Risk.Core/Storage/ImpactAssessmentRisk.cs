namespace Aims.Risk.Core.Storage;

/// <summary>One row of <c>ImpactAssessmentRisks</c>: a risk a submitted impact assessment covers, and whether the submission resolved it.</summary>
public sealed record ImpactAssessmentRisk(Guid RiskId, bool Resolved);

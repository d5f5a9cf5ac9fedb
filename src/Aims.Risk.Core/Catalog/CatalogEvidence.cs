using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Catalog;

/// <summary>A system's default evidence: what holds unless an event's tags say otherwise.</summary>
public sealed record CatalogEvidence
{
    public SecurityInfo? Security { get; init; }

    public EvaluationInfo? Evaluation { get; init; }
}

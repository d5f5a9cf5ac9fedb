namespace Aims.Risk.Core.Impact;

/// <summary>
/// A completed AI system impact assessment read from the file its owner submits, every part checked: what the
/// register keeps beside the document itself, which it stores as submitted.
/// </summary>
public sealed record ImpactAssessmentDocument
{
    public required string SystemId { get; init; }

    /// <summary>The intended use assessed.</summary>
    public required string Purpose { get; init; }

    public string? ModelVersion { get; init; }

    /// <summary>The event whose input the draft came from.</summary>
    public required Guid BasedOnEventId { get; init; }

    public required string RuleSetVersion { get; init; }

    public required string RuleSetHash { get; init; }

    public required DateOnly ReviewBy { get; init; }

    /// <summary>The rules of the impacts the document assesses and of the other open risks it lists: the risks it covers.</summary>
    public required IReadOnlyList<string> CoveredRuleIds { get; init; }
}

namespace Aims.Risk.Core.Storage;

/// <summary>
/// One row of <c>ImpactAssessments</c>: an AI system impact assessment (ISO/IEC 42001 6.1.4) as its owner submitted it,
/// one version of the system's assessment. Rows are only ever added.
/// </summary>
public sealed record ImpactAssessmentRecord
{
    public required Guid AssessmentId { get; init; }

    public required string SystemId { get; init; }

    /// <summary>1 for the system's first submission, then one more for each; assigned by the register when it is stored.</summary>
    public int Version { get; init; }

    /// <summary>The intended use the assessment assesses (the system's <c>purpose</c>).</summary>
    public required string Purpose { get; init; }

    public string? ModelVersion { get; init; }

    /// <summary>The event whose input the draft was made from.</summary>
    public required Guid BasedOnEventId { get; init; }

    /// <summary>The rule set whose findings the draft lists.</summary>
    public required string RuleSetVersion { get; init; }

    public required string RuleSetHash { get; init; }

    /// <summary><c>md</c> or <c>json</c>: the format of <see cref="Content"/>.</summary>
    public required string ContentFormat { get; init; }

    /// <summary>The document as submitted.</summary>
    public required string Content { get; init; }

    /// <summary>The SHA-256 of the submitted file's bytes, lower-case hex.</summary>
    public required string ContentHash { get; init; }

    public required string SubmittedBy { get; init; }

    public string? ApprovedBy { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When the owner plans to review it (A.5.3), at midnight UTC of the day the document names.</summary>
    public required DateTimeOffset ReviewBy { get; init; }

    /// <summary>The system's risks the submission covers (<c>ImpactAssessmentRisks</c>), when read back.</summary>
    public IReadOnlyList<ImpactAssessmentRisk> Risks { get; init; } = [];
}

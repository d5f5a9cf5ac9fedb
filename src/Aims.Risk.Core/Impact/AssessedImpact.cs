using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Impact;

/// <summary>One impact of an AI system as a finding shows it: what, how, how severe, which controls, what is still open.</summary>
public sealed record AssessedImpact
{
    public required string RuleId { get; init; }

    public required string Title { get; init; }

    /// <summary>How the impact arises: the finding's rationale, with the values of the event.</summary>
    public required string How { get; init; }

    public required RiskLevel Level { get; init; }

    public required int Likelihood { get; init; }

    public required int Impact { get; init; }

    /// <summary>The contexts that raised the score, e.g. <c>decides about individuals (impact +1)</c>.</summary>
    public IReadOnlyList<string> Aggravating { get; init; } = [];

    /// <summary>The Annex A controls that treat it, each as <c>id title</c>.</summary>
    public required IReadOnlyList<string> Controls { get; init; }

    /// <summary>The treatment still to do (the rule's guidance), or that the risk is accepted.</summary>
    public required string OpenTreatment { get; init; }

    public DateTimeOffset? DueBy { get; init; }

    /// <summary>Where the risk stands in the register (status, residual level, acceptance), when the draft was made from it.</summary>
    public string? RegisterStatus { get; init; }

    /// <summary>The owner's decision on the impact: how it is treated, or who accepts the residual risk.</summary>
    public string Decision { get; init; } = $"{ImpactAssessmentDraft.Placeholder}: the decision: how the impact is treated and by when, or who accepts the residual risk_";
}

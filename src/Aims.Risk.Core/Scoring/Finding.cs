using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Scoring;

/// <summary>A rule that fired on an event, scored on the criteria grid.</summary>
public sealed record Finding
{
    public required string RuleId { get; init; }

    public required string Category { get; init; }

    public required string Title { get; init; }

    /// <summary>Why it fired, with the values that made it fire.</summary>
    public required string Rationale { get; init; }

    /// <summary>The likelihood scored: the rule's base likelihood raised by the modifiers that applied.</summary>
    public required int Likelihood { get; init; }

    /// <summary>The impact scored: the rule's base impact raised by the modifiers that applied.</summary>
    public required int Impact { get; init; }

    /// <summary>The rule's likelihood before modifiers.</summary>
    public required int BaseLikelihood { get; init; }

    /// <summary>The rule's impact before modifiers.</summary>
    public required int BaseImpact { get; init; }

    /// <summary>The modifiers that raised the score, each as its reason and effect, e.g. <c>affects individuals (impact +1)</c>.</summary>
    public IReadOnlyList<string> Modifiers { get; init; } = [];

    public required int Score { get; init; }

    public required RiskLevel Level { get; init; }

    /// <summary>The treatment decided: the rule's recommendation, or Accept below the acceptance threshold.</summary>
    public required Treatment Treatment { get; init; }

    public required Treatment RecommendedTreatment { get; init; }

    public required IReadOnlyList<string> Controls { get; init; }

    public IReadOnlyList<string> Nist { get; init; } = [];

    public string? MitDomain { get; init; }

    /// <summary>The rule's guidance: what the owner should do and what evidence closes the risk.</summary>
    public string? Guidance { get; init; }

    /// <summary>At or above the acceptance threshold: a treatment task goes to the risk owner.</summary>
    public required bool RequiresTreatment { get; init; }

    /// <summary>Deterministic from the event id and the rule id; set when a task is required.</summary>
    public Guid? TaskId { get; init; }

    public DateTimeOffset? DueBy { get; init; }
}

using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Scoring;

/// <summary>The outcome of evaluating one event against one rule set.</summary>
public sealed record EventAssessment
{
    public required AiSystemChanged Change { get; init; }

    public required string RuleSetVersion { get; init; }

    public required string RuleSetHash { get; init; }

    public required DateTimeOffset AssessedAt { get; init; }

    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>Rules that threw while evaluating this event (a rule defect, logged; such a rule counts as not fired).</summary>
    public IReadOnlyList<RuleEvaluationError> Errors { get; init; } = [];

    /// <summary>
    /// System-scoped rules that did not fire although the event carried every value they read: the event shows that
    /// their risks no longer hold.
    /// </summary>
    public IReadOnlyList<string> Cleared { get; init; } = [];
}

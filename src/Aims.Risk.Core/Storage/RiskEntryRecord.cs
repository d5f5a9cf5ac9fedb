using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Storage;

/// <summary>One row of <c>RiskEntries</c>: a finding of one rule on one event.</summary>
public sealed record RiskEntryRecord
{
    public required Guid Id { get; init; }

    public required Guid EventId { get; init; }

    /// <summary>The risk this finding is evidence of: UUIDv5 of the system id and the rule id.</summary>
    public required Guid RiskId { get; init; }

    public required string SystemId { get; init; }

    public required string RuleId { get; init; }

    public required string Category { get; init; }

    public required string Title { get; init; }

    public required string Rationale { get; init; }

    public required int Likelihood { get; init; }

    public required int Impact { get; init; }

    public required int Score { get; init; }

    public required RiskLevel Level { get; init; }

    public required Treatment Treatment { get; init; }

    /// <summary>Annex A control ids.</summary>
    public required IReadOnlyList<string> Controls { get; init; }

    public IReadOnlyList<string> Nist { get; init; } = [];

    public string? MitDomain { get; init; }

    /// <summary>The rule's treatment guidance when it has one, kept so a redelivery republishes the same task.</summary>
    public string? Guidance { get; init; }

    /// <summary>Below or at/above the acceptance threshold, by the criteria in force when it was assessed.</summary>
    public required RiskEntryStatus Status { get; init; }

    /// <summary>Set when this finding opened or escalated its risk and a task was requested; a re-confirmation has none.</summary>
    public Guid? TaskId { get; init; }

    public DateTimeOffset? DueBy { get; init; }

    public required string RuleSetVersion { get; init; }

    public required string RuleSetHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

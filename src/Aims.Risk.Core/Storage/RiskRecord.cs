using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Storage;

/// <summary>One row of <c>Risks</c>: the current state of one (system, rule) risk.</summary>
public sealed record RiskRecord
{
    public required Guid RiskId { get; init; }

    public required string SystemId { get; init; }

    public required string RuleId { get; init; }

    public required string Category { get; init; }

    public required string Title { get; init; }

    public required string Owner { get; init; }

    public required RiskStatus Status { get; init; }

    /// <summary>Inherent likelihood, impact, score and level, from the latest firing.</summary>
    public required int Likelihood { get; init; }

    public required int Impact { get; init; }

    public required int Score { get; init; }

    public required RiskLevel Level { get; init; }

    /// <summary>The Annex A controls the latest firing cites (for the Statement of Applicability).</summary>
    public IReadOnlyList<string> Controls { get; init; } = [];

    public int? ResidualLikelihood { get; init; }

    public int? ResidualImpact { get; init; }

    public RiskLevel? ResidualLevel { get; init; }

    public string? AcceptedBy { get; init; }

    public DateTimeOffset? AcceptedUntil { get; init; }

    public DateTimeOffset? DueBy { get; init; }

    /// <summary>The task that asks for treatment now, if any.</summary>
    public Guid? OpenTaskId { get; init; }

    public required DateTimeOffset FirstSeenAt { get; init; }

    public required DateTimeOffset LastSeenAt { get; init; }

    public required Guid LastEventId { get; init; }

    public required string RuleSetVersion { get; init; }

    public required string RuleSetHash { get; init; }

    /// <summary>The due date whose overdue notice went out, so it goes out once.</summary>
    public DateTimeOffset? OverdueNoticeFor { get; init; }

    /// <summary>Concurrency token: an update applies only to the version it read.</summary>
    public required long Version { get; init; }

    /// <summary>Every status but <see cref="RiskStatus.Resolved"/>: the risk is in the register's view.</summary>
    public bool IsOpen => Status != RiskStatus.Resolved;
}

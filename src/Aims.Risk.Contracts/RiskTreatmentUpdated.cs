namespace Aims.Risk.Contracts;

/// <summary>
/// A risk owner's update, consumed from the queue <c>aims.risk.treatment-updates</c> (plain JSON, camelCase).
/// Names the risk by <see cref="RiskId"/> or by the <see cref="TaskId"/> of its open task.
/// </summary>
public sealed record RiskTreatmentUpdated
{
    /// <summary>Idempotency key: a second update with the same id changes nothing.</summary>
    public required Guid UpdateId { get; init; }

    public Guid? RiskId { get; init; }

    public Guid? TaskId { get; init; }

    public required TreatmentAction Action { get; init; }

    /// <summary>Who decided: the owner, or for <see cref="TreatmentAction.Accepted"/> the approver.</summary>
    public required string Actor { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public string? Comment { get; init; }

    /// <summary>1-5; required for <see cref="TreatmentAction.Mitigated"/>, never above the inherent likelihood.</summary>
    public int? ResidualLikelihood { get; init; }

    /// <summary>1-5; required for <see cref="TreatmentAction.Mitigated"/>, never above the inherent impact.</summary>
    public int? ResidualImpact { get; init; }

    /// <summary>Required for <see cref="TreatmentAction.Accepted"/>: at most the criteria's maximum acceptance ahead.</summary>
    public DateTimeOffset? AcceptedUntil { get; init; }

    /// <summary>Links to the evidence of the treatment (tickets, reports).</summary>
    public IReadOnlyList<string>? Evidence { get; init; }
}

namespace Aims.Risk.Core.Reassessment;

/// <summary>
/// The message that asks a replica to re-assess one system (queue <c>aims.risk.reassessments</c>, between replicas):
/// the input is the assessment of <see cref="EventId"/>, the system's latest when the run was enqueued.
/// </summary>
public sealed record ReassessSystem
{
    public required Guid RunId { get; init; }

    public required string Reason { get; init; }

    public required string SystemId { get; init; }

    public required Guid EventId { get; init; }

    /// <summary>The rule set the run was enqueued for; an activation run is skipped once another rule set is active.</summary>
    public required string RuleSetHash { get; init; }
}

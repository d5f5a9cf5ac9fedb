namespace Aims.Risk.Core.Storage;

/// <summary>One row of <c>Reassessments</c>: a run that re-assesses systems' latest inputs with the active rule set.</summary>
/// <param name="RunKey">Unique: <c>activation:&lt;hash&gt;</c>, <c>interval:&lt;hash&gt;:&lt;day&gt;</c> or <c>demand:&lt;uuid&gt;</c>.</param>
/// <param name="Reason"><c>activation</c>, <c>interval</c> or <c>demand</c>.</param>
/// <param name="SystemId">Only this system (on demand), or every system.</param>
/// <param name="Systems">Systems enqueued, once the run is enqueued.</param>
/// <param name="Done">Systems re-assessed (or found not to need it) so far.</param>
public sealed record ReassessmentRun(
    Guid RunId,
    string RunKey,
    string Reason,
    string? SystemId,
    string? RuleSetVersion,
    string? RuleSetHash,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ClaimedAt = null,
    DateTimeOffset? EnqueuedAt = null,
    DateTimeOffset? FinishedAt = null,
    int? Systems = null,
    int Done = 0,
    int Opened = 0,
    int Resolved = 0,
    int Changed = 0)
{
    public const string OnActivation = "activation";

    public const string AtInterval = "interval";

    public const string OnDemand = "demand";

    /// <summary>Systems enqueued and not re-assessed yet; null until the run is enqueued.</summary>
    public int? Remaining => Systems is { } systems ? Math.Max(0, systems - Done) : null;
}

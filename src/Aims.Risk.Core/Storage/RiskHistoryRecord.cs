using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Storage;

/// <summary>One row of the append-only <c>RiskHistory</c>: a transition of a risk and its cause.</summary>
public sealed record RiskHistoryRecord
{
    /// <summary>Deterministic from the risk and the cause (see <c>RiskIds</c>); the message id of its status event.</summary>
    public required Guid ChangeId { get; init; }

    public required Guid RiskId { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>Null when the risk was opened.</summary>
    public RiskStatus? FromStatus { get; init; }

    public required RiskStatus ToStatus { get; init; }

    public required string Actor { get; init; }

    public required string Reason { get; init; }

    public Guid? EventId { get; init; }

    public Guid? UpdateId { get; init; }

    /// <summary>Level and residual level after the transition.</summary>
    public required RiskLevel Level { get; init; }

    public RiskLevel? ResidualLevel { get; init; }

    /// <summary>The treatment task requested by this transition, if any.</summary>
    public Guid? TaskId { get; init; }
}

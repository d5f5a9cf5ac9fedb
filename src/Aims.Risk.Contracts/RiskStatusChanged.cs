namespace Aims.Risk.Contracts;

/// <summary>
/// One transition of a risk, whatever caused it (an event, an owner's update, the expiry sweep), published to the
/// topic exchange <c>aims.risk.risk-events</c> with routing key <c>&lt;category&gt;.&lt;status&gt;</c> in lower case and
/// AMQP message_id = <see cref="ChangeId"/>.
/// </summary>
public sealed record RiskStatusChanged
{
    /// <summary>Deterministic from the risk and its cause: a republished change has the same id.</summary>
    public required Guid ChangeId { get; init; }

    public required Guid RiskId { get; init; }

    public required string SystemId { get; init; }

    public required string RuleId { get; init; }

    public required string Category { get; init; }

    /// <summary>Null when the risk was first opened.</summary>
    public RiskStatus? FromStatus { get; init; }

    public required RiskStatus ToStatus { get; init; }

    public required RiskLevel Level { get; init; }

    public RiskLevel? ResidualLevel { get; init; }

    public required string Actor { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The topic routing key, <c>category.status</c> in lower case.</summary>
    public string RoutingKey() => $"{Category}.{ToStatus}".ToLowerInvariant();
}

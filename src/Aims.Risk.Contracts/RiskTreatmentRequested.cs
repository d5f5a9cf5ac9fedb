namespace Aims.Risk.Contracts;

/// <summary>
/// A treatment task for a risk owner, published to the topic exchange <c>aims.risk.treatment-tasks</c>
/// with routing key <c>&lt;category&gt;.&lt;level&gt;</c> in lower case and AMQP message_id = <see cref="TaskId"/>.
/// </summary>
public sealed record RiskTreatmentRequested
{
    /// <summary>Deterministic from EventId and RuleId: a redelivery republishes the same id, so consumers can deduplicate.</summary>
    public required Guid TaskId { get; init; }

    public required Guid EventId { get; init; }

    public required string SystemId { get; init; }

    public required string SystemName { get; init; }

    public required string Owner { get; init; }

    public required string Category { get; init; }

    public required string RuleId { get; init; }

    public required string RuleSetVersion { get; init; }

    public string? RuleSetHash { get; init; }

    public required string Title { get; init; }

    /// <summary>Why the rule fired, with the values that made it fire.</summary>
    public required string Rationale { get; init; }

    public required int Likelihood { get; init; }

    public required int Impact { get; init; }

    public required int Score { get; init; }

    public required RiskLevel Level { get; init; }

    public required Treatment Treatment { get; init; }

    /// <summary>ISO/IEC 42001 Annex A control ids, e.g. <c>A.7.4</c>.</summary>
    public required IReadOnlyList<string> Controls { get; init; }

    public required DateTimeOffset DueBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The topic routing key, <c>category.level</c> in lower case.</summary>
    public string RoutingKey() => $"{Category}.{Level}".ToLowerInvariant();
}

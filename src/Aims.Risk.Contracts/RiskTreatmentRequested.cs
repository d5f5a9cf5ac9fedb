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

    /// <summary>The risk (system, rule) this task treats: UUIDv5 of the system id and the rule id.</summary>
    public Guid? RiskId { get; init; }

    /// <summary>NIST AI RMF subcategory ids, e.g. <c>MEASURE 2.11</c>.</summary>
    public IReadOnlyList<string>? Nist { get; init; }

    /// <summary>MIT AI Risk Repository domain or subdomain id, e.g. <c>2.1</c>.</summary>
    public string? MitDomain { get; init; }

    /// <summary>The titles of <see cref="Controls"/>, in the same order.</summary>
    public IReadOnlyList<string>? ControlTitles { get; init; }

    /// <summary>What to do and what evidence closes the risk, when the rule has guidance.</summary>
    public string? Guidance { get; init; }

    /// <summary>The event's source, e.g. <c>mlflow/prod</c>.</summary>
    public string? Source { get; init; }

    /// <summary>The event's attributes (a pipeline's ticket reference, ...).</summary>
    public IReadOnlyDictionary<string, AttributeValue>? Attributes { get; init; }

    /// <summary>The topic routing key, <c>category.level</c> in lower case.</summary>
    public string RoutingKey() => $"{Category}.{Level}".ToLowerInvariant();
}

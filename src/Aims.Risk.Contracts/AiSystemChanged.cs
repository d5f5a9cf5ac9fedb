namespace Aims.Risk.Contracts;

/// <summary>
/// Published by an MLOps pipeline when an AI system changes. Plain JSON, camelCase; unknown fields are ignored.
/// The namespace and type name never move: MassTransit routes by full type name.
/// </summary>
public sealed record AiSystemChanged
{
    /// <summary>Idempotency key: a redelivery or a duplicate with the same id is harmless.</summary>
    public required Guid EventId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Who published it, e.g. <c>mlflow/prod</c>.</summary>
    public required string Source { get; init; }

    public required ChangeType ChangeType { get; init; }

    public required AiSystem System { get; init; }

    public ModelInfo? Model { get; init; }

    public IReadOnlyList<DatasetInfo>? Datasets { get; init; }

    public SecurityInfo? Security { get; init; }

    public EvaluationInfo? Evaluation { get; init; }

    /// <summary>Free-form facts the fields above lack: string, number or boolean values only.</summary>
    public IReadOnlyDictionary<string, AttributeValue>? Attributes { get; init; }
}

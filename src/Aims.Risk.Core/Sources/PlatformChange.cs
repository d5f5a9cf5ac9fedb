using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Sources;

/// <summary>
/// What a platform's event says, before the catalogue fills in the system: which model of which platform changed,
/// how, and the platform's own tags. <see cref="ChangeComposer"/> turns it into an <see cref="AiSystemChanged"/>.
/// </summary>
public sealed record PlatformChange
{
    /// <summary><c>mlflow</c>, <c>azureml</c> or <c>sagemaker</c>: the catalogue's prefix.</summary>
    public required string Platform { get; init; }

    /// <summary>The platform's model name: the catalogue key after the prefix.</summary>
    public required string Model { get; init; }

    /// <summary>A name-based id of the platform's delivery or event id (<see cref="SourceEventIds"/>): retries are duplicates.</summary>
    public required Guid EventId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The event's <c>source</c>, e.g. <c>mlflow</c> or the Event Grid topic.</summary>
    public required string Source { get; init; }

    public required ChangeType ChangeType { get; init; }

    public ModelInfo? ModelInfo { get; init; }

    /// <summary>The platform's tags (MLflow tags, Azure ML tags, SageMaker customer metadata); those with the prefix fill fields.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Platform facts the contract has no field for (MLflow run id and source, the Azure ML service, ...).</summary>
    public IReadOnlyDictionary<string, AttributeValue> Attributes { get; init; } = new Dictionary<string, AttributeValue>();
}

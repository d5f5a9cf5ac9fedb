using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Catalog;

/// <summary>One system of the catalogue: the platform models that belong to it, the system, default evidence and attributes.</summary>
public sealed record CatalogEntry
{
    /// <summary><c>mlflow:&lt;registered model&gt;</c>, <c>azureml:&lt;model&gt;</c>, <c>sagemaker:&lt;model package group&gt;</c>.</summary>
    public required IReadOnlyList<string> PlatformModels { get; init; }

    public required AiSystem System { get; init; }

    public CatalogEvidence? Evidence { get; init; }

    public IReadOnlyDictionary<string, AttributeValue>? Attributes { get; init; }
}

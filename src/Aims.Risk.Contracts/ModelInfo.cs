namespace Aims.Risk.Contracts;

public sealed record ModelInfo
{
    public string? Name { get; init; }

    public string? Version { get; init; }

    public string? PreviousVersion { get; init; }

    public ModelProvenance? Provenance { get; init; }

    public string? Licence { get; init; }

    public ModelMetrics? Metrics { get; init; }

    /// <summary>The supplier or developer documents intended use, limitations, training data and evaluations (a model card).</summary>
    public bool? ModelCardAvailable { get; init; }

    /// <summary>The supplier is bound to notify incidents, vulnerabilities and material changes of the model.</summary>
    public bool? SupplierIncidentNotification { get; init; }
}

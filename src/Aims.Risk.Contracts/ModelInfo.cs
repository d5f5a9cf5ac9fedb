namespace Aims.Risk.Contracts;

public sealed record ModelInfo
{
    public string? Name { get; init; }

    public string? Version { get; init; }

    public string? PreviousVersion { get; init; }

    public ModelProvenance? Provenance { get; init; }

    public string? Licence { get; init; }

    public ModelMetrics? Metrics { get; init; }
}

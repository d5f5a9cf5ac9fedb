namespace Aims.Risk.Contracts;

public sealed record SecurityInfo
{
    public bool? ArtifactSigned { get; init; }

    public bool? SbomAvailable { get; init; }

    public int? CriticalVulnerabilities { get; init; }

    public bool? AdversarialTestingPerformed { get; init; }
}

namespace Aims.Risk.Contracts;

public sealed record SecurityInfo
{
    public bool? ArtifactSigned { get; init; }

    public bool? SbomAvailable { get; init; }

    public int? CriticalVulnerabilities { get; init; }

    public bool? AdversarialTestingPerformed { get; init; }

    /// <summary>Tested against direct and indirect prompt injection and jailbreaks.</summary>
    public bool? PromptInjectionTestingPerformed { get; init; }

    /// <summary>An agent's tools and actions are limited to an allow-list with least-privilege credentials.</summary>
    public bool? ToolPermissionsRestricted { get; init; }
}

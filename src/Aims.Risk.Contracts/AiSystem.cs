namespace Aims.Risk.Contracts;

public sealed record AiSystem
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The accountable risk owner (a person or team address).</summary>
    public required string Owner { get; init; }

    public string? Purpose { get; init; }

    public string? Domain { get; init; }

    public Exposure? Exposure { get; init; }

    public Autonomy? Autonomy { get; init; }

    public bool? AffectsIndividuals { get; init; }

    public EuAiActRiskClass? EuAiActRiskClass { get; init; }

    /// <summary>Produces generated content (text, images, audio, code) rather than scores or labels.</summary>
    public bool? Generative { get; init; }

    /// <summary>Takes actions through external tools or APIs (sends mail, places orders, runs code) on its own plan.</summary>
    public bool? Agentic { get; init; }

    /// <summary>Children (under 18) are among the people it affects or who use it.</summary>
    public bool? AffectsChildren { get; init; }

    /// <summary>What it does with biometric data, if anything; the EU AI Act treats each use differently.</summary>
    public BiometricUse? BiometricUse { get; init; }
}

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
}

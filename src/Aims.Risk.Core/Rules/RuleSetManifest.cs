namespace Aims.Risk.Core.Rules;

/// <summary><c>manifest.json</c>: the rule set's name, semantic version and files.</summary>
public sealed record RuleSetManifest
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<string> Workflows { get; init; }

    public required string Criteria { get; init; }
}

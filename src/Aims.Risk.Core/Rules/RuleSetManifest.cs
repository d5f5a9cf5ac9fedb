namespace Aims.Risk.Core.Rules;

/// <summary><c>manifest.json</c>: the rule set's name, semantic version and files.</summary>
public sealed record RuleSetManifest
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<string> Workflows { get; init; }

    public required string Criteria { get; init; }

    /// <summary>The controlled changes, one entry per version (optional until the criteria change).</summary>
    public IReadOnlyList<ChangelogEntry> Changelog { get; init; } = [];

    /// <summary>The changelog entry of this version, if it has one.</summary>
    public ChangelogEntry? EntryOfVersion => Changelog.FirstOrDefault(e => e.Version == Version);
}

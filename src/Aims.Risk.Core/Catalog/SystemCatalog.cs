namespace Aims.Risk.Core.Catalog;

/// <summary>
/// The system catalogue (<c>Catalog:Path</c>): which AI system a platform's model belongs to, and what is known
/// about that system. The intake never assesses a model the catalogue does not name.
/// </summary>
public sealed class SystemCatalog
{
    public required string Version { get; init; }

    public required IReadOnlyList<CatalogEntry> Systems { get; init; }

    /// <summary>The file it was read from, for messages.</summary>
    public string Path { get; init; } = "";

    private Dictionary<string, CatalogEntry>? _byPlatformModel;

    /// <summary>The entry listing <c>&lt;platform&gt;:&lt;model&gt;</c> (ordinal: platform model names are case-sensitive).</summary>
    public CatalogEntry? Find(string platform, string model)
    {
        _byPlatformModel ??= Systems
            .SelectMany(entry => entry.PlatformModels.Select(key => (key, entry)))
            .GroupBy(pair => pair.key, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First().entry, StringComparer.Ordinal);
        return _byPlatformModel.GetValueOrDefault($"{platform}:{model}");
    }
}

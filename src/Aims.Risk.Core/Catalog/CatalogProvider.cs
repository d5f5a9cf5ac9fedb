using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Catalog;

/// <summary>
/// The active system catalogue. A reload that fails validation keeps the older catalogue active and records why,
/// so a typo in the file never makes the intake assess with missing or guessed values.
/// </summary>
public sealed partial class CatalogProvider(IOptions<CatalogOptions> options, ILogger<CatalogProvider> logger)
{
    private volatile SystemCatalog? _current;
    private volatile IReadOnlyList<string>? _lastRefusal;

    /// <summary>The active catalogue; null when <c>Catalog:Path</c> is not set or nothing valid was loaded yet.</summary>
    public SystemCatalog? Current => _current;

    /// <summary>Why the file's latest content was refused (the older catalogue stays active), or null.</summary>
    public IReadOnlyList<string>? LastRefusal => _lastRefusal;

    /// <summary>The configured file, or null when no catalogue is configured.</summary>
    public string? Path => string.IsNullOrWhiteSpace(options.Value.Path) ? null : options.Value.Path;

    /// <summary>Loads the file; on success it becomes active. Returns false (and logs every problem) otherwise.</summary>
    public bool TryLoad()
    {
        if (Path is not { } path)
        {
            return false;
        }

        try
        {
            var catalog = CatalogLoader.Load(path);
            _current = catalog;
            _lastRefusal = null;
            LogActivated(path, catalog.Version, catalog.Systems.Count);
            return true;
        }
        catch (CatalogValidationException ex)
        {
            _lastRefusal = ex.Errors;
            LogRefused(path, _current?.Version ?? "none", string.Join("; ", ex.Errors));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "System catalogue {Path} version {Version} is active ({SystemCount} systems)")]
    private partial void LogActivated(string path, string version, int systemCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "System catalogue {Path} refused; version {ActiveVersion} stays active: {Problems}")]
    private partial void LogRefused(string path, string activeVersion, string problems);
}

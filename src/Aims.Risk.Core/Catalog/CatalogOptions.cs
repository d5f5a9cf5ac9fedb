using System.ComponentModel.DataAnnotations;

namespace Aims.Risk.Core.Catalog;

/// <summary>Section <c>Catalog</c> (env <c>Catalog__Path</c>, ...): the system catalogue the intake fills events from.</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Catalog";

    /// <summary>The catalogue file (JSON, see <c>deploy/schemas/system-catalog.schema.json</c>). Unset: no catalogue, every platform event is refused (422).</summary>
    public string? Path { get; set; }

    /// <summary>Reload the file when it changes (validated first; a refused file leaves the older catalogue active).</summary>
    public bool Watch { get; set; } = true;

    /// <summary>How long the file must be quiet before a reload (editors and deployments write in steps).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Catalog:ReloadDelay must be from {1} to {2}")]
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}

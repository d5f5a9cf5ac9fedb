using System.ComponentModel.DataAnnotations;

namespace Aims.Risk.Core.Rules;

/// <summary>Section <c>Rules</c> (env <c>Rules__Path</c>, ...).</summary>
public sealed class RulesOptions
{
    public const string SectionName = "Rules";

    /// <summary>The rule set folder.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Rules:Path is required")]
    public string Path { get; set; } = "rules";

    /// <summary>Watch the folder and activate a changed rule set once it validates and its tests pass.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>Refuse a rule set that has no <c>tests/</c> folder (its tests must run before it is activated).</summary>
    public bool RequireTests { get; set; } = true;

    /// <summary>How long the folder must be quiet before a reload (editors and deployments write several files).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Rules:ReloadDelay must be from {1} to {2}")]
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The default of <see cref="MaxRules"/>: twenty times the shipped pack.</summary>
    public const int DefaultMaxRules = 1000;

    /// <summary>
    /// The most enabled rules a rule set may have. Every rule is evaluated on every event, and each may use up to the
    /// step budget: the bound on the work per event is this times the budget.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Rules:MaxRules must be from {1} to {2}")]
    public int MaxRules { get; set; } = DefaultMaxRules;
}

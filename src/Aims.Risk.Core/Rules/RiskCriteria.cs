using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The risk criteria of <c>criteria.json</c> (ISO/IEC 42001 6.1.2): the likelihood × impact grid of levels,
/// the acceptance threshold and the due days per level. Policy, versioned with the rules.
/// </summary>
public sealed class RiskCriteria
{
    public const int Scale = 5;

    /// <summary>The longest acceptance when the criteria do not say.</summary>
    public const int DefaultMaxAcceptanceDays = 365;

    private readonly RiskLevel[,] _grid;
    private readonly IReadOnlyDictionary<RiskLevel, int> _dueDays;

    public RiskCriteria(RiskLevel[,] grid, RiskLevel acceptanceThreshold, IReadOnlyDictionary<RiskLevel, int> dueDays, int maxAcceptanceDays = DefaultMaxAcceptanceDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAcceptanceDays, 1);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(dueDays);
        if (grid.GetLength(0) != Scale || grid.GetLength(1) != Scale)
        {
            throw new ArgumentException($"the grid must be {Scale}×{Scale}", nameof(grid));
        }

        _grid = (RiskLevel[,])grid.Clone();
        _dueDays = dueDays;
        AcceptanceThreshold = acceptanceThreshold;
        MaxAcceptanceDays = maxAcceptanceDays;
    }

    /// <summary>An acceptance expires at most this many days after it was given.</summary>
    public int MaxAcceptanceDays { get; }

    /// <summary>Findings below this level are accepted (within appetite); at or above it they get a task.</summary>
    public RiskLevel AcceptanceThreshold { get; }

    public static int Score(int likelihood, int impact) => likelihood * impact;

    public RiskLevel LevelOf(int likelihood, int impact)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(likelihood, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(likelihood, Scale);
        ArgumentOutOfRangeException.ThrowIfLessThan(impact, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(impact, Scale);
        return _grid[likelihood - 1, impact - 1];
    }

    public bool RequiresTreatment(RiskLevel level) => level >= AcceptanceThreshold;

    public int DueDays(RiskLevel level) => _dueDays[level];
}

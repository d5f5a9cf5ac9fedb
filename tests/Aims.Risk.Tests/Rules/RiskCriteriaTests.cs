using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Rules;

public sealed class RiskCriteriaTests
{
    private static readonly Lazy<RiskCriteria> Shipped = new(() => RuleSetLoader.Load(RepositoryRoot.Rules).Criteria);

    /// <summary>The shipped policy, cell by cell: a change to criteria.json must change this table too.</summary>
    [Theory]
    [InlineData(1, 1, RiskLevel.Low)]
    [InlineData(1, 2, RiskLevel.Low)]
    [InlineData(1, 3, RiskLevel.Low)]
    [InlineData(1, 4, RiskLevel.Medium)]
    [InlineData(1, 5, RiskLevel.Medium)]
    [InlineData(2, 1, RiskLevel.Low)]
    [InlineData(2, 2, RiskLevel.Low)]
    [InlineData(2, 3, RiskLevel.Medium)]
    [InlineData(2, 4, RiskLevel.Medium)]
    [InlineData(2, 5, RiskLevel.High)]
    [InlineData(3, 1, RiskLevel.Low)]
    [InlineData(3, 2, RiskLevel.Medium)]
    [InlineData(3, 3, RiskLevel.Medium)]
    [InlineData(3, 4, RiskLevel.High)]
    [InlineData(3, 5, RiskLevel.High)]
    [InlineData(4, 1, RiskLevel.Medium)]
    [InlineData(4, 2, RiskLevel.Medium)]
    [InlineData(4, 3, RiskLevel.High)]
    [InlineData(4, 4, RiskLevel.High)]
    [InlineData(4, 5, RiskLevel.Critical)]
    [InlineData(5, 1, RiskLevel.Medium)]
    [InlineData(5, 2, RiskLevel.High)]
    [InlineData(5, 3, RiskLevel.High)]
    [InlineData(5, 4, RiskLevel.Critical)]
    [InlineData(5, 5, RiskLevel.Critical)]
    public void Shipped_grid_cell_has_the_agreed_level(int likelihood, int impact, RiskLevel expected)
    {
        Assert.Equal(expected, Shipped.Value.LevelOf(likelihood, impact));
        Assert.Equal(likelihood * impact, RiskCriteria.Score(likelihood, impact));
    }

    [Theory]
    [InlineData(RiskLevel.Low, false)]
    [InlineData(RiskLevel.Medium, true)]
    [InlineData(RiskLevel.High, true)]
    [InlineData(RiskLevel.Critical, true)]
    public void Shipped_threshold_accepts_only_low_risks(RiskLevel level, bool requiresTreatment) =>
        Assert.Equal(requiresTreatment, Shipped.Value.RequiresTreatment(level));

    [Theory]
    [InlineData(RiskLevel.Low, 180)]
    [InlineData(RiskLevel.Medium, 90)]
    [InlineData(RiskLevel.High, 30)]
    [InlineData(RiskLevel.Critical, 7)]
    public void Shipped_due_days_per_level(RiskLevel level, int days) =>
        Assert.Equal(days, Shipped.Value.DueDays(level));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 6)]
    [InlineData(-1, 3)]
    public void Level_outside_the_grid_is_an_argument_error(int likelihood, int impact) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Shipped.Value.LevelOf(likelihood, impact));

    /// <summary>Rows are likelihood, columns impact: a grid that is not symmetric tells a swapped look-up from the right one.</summary>
    [Theory]
    [InlineData(1, 5, RiskLevel.Low)]
    [InlineData(5, 1, RiskLevel.Critical)]
    [InlineData(2, 4, RiskLevel.Low)]
    [InlineData(4, 2, RiskLevel.High)]
    [InlineData(3, 3, RiskLevel.Medium)]
    public void Grid_rows_are_likelihood_and_columns_impact(int likelihood, int impact, RiskLevel expected) =>
        Assert.Equal(expected, ByLikelihood().LevelOf(likelihood, impact));

    [Fact]
    public void The_grid_is_copied_not_shared_with_the_caller()
    {
        var grid = ByLikelihoodGrid();
        var criteria = new RiskCriteria(grid, RiskLevel.High, DueDays);

        grid[0, 0] = RiskLevel.Critical;

        Assert.Equal(RiskLevel.Low, criteria.LevelOf(1, 1));
        Assert.Equal(RiskLevel.High, criteria.AcceptanceThreshold);
        Assert.Equal(RiskCriteria.DefaultMaxAcceptanceDays, criteria.MaxAcceptanceDays);
        Assert.False(criteria.RequiresTreatment(RiskLevel.Medium));
        Assert.True(criteria.RequiresTreatment(RiskLevel.High));
    }

    [Theory]
    [InlineData(4, 5)]
    [InlineData(5, 4)]
    [InlineData(6, 5)]
    [InlineData(5, 6)]
    public void A_grid_that_is_not_5_by_5_is_refused(int rows, int columns) =>
        Assert.Throws<ArgumentException>("grid", () => new RiskCriteria(new RiskLevel[rows, columns], RiskLevel.Medium, DueDays));

    [Fact]
    public void Max_acceptance_days_below_one_is_refused_and_one_is_kept()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RiskCriteria(ByLikelihoodGrid(), RiskLevel.Medium, DueDays, maxAcceptanceDays: 0));
        Assert.Equal(1, new RiskCriteria(ByLikelihoodGrid(), RiskLevel.Medium, DueDays, maxAcceptanceDays: 1).MaxAcceptanceDays);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(6, 1)]
    [InlineData(5, 6)]
    [InlineData(0, 5)]
    public void Either_coordinate_outside_1_to_5_is_an_argument_error(int likelihood, int impact) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ByLikelihood().LevelOf(likelihood, impact));

    private static readonly Dictionary<RiskLevel, int> DueDays = new() { [RiskLevel.Low] = 180, [RiskLevel.Medium] = 90, [RiskLevel.High] = 30, [RiskLevel.Critical] = 7 };

    private static RiskCriteria ByLikelihood() => new(ByLikelihoodGrid(), RiskLevel.Medium, DueDays);

    /// <summary>The level depends on the likelihood only: 1-2 Low, 3 Medium, 4 High, 5 Critical.</summary>
    private static RiskLevel[,] ByLikelihoodGrid()
    {
        RiskLevel[] byRow = [RiskLevel.Low, RiskLevel.Low, RiskLevel.Medium, RiskLevel.High, RiskLevel.Critical];
        var grid = new RiskLevel[RiskCriteria.Scale, RiskCriteria.Scale];
        for (var l = 0; l < RiskCriteria.Scale; l++)
        {
            for (var i = 0; i < RiskCriteria.Scale; i++)
            {
                grid[l, i] = byRow[l];
            }
        }

        return grid;
    }
}

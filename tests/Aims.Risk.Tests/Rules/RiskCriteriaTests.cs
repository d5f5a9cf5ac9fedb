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
}

using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Reports;

/// <summary>
/// A likelihood × impact heat map: every cell coloured by the criteria's grid, with the risks placed in it. The inherent
/// map places a risk by its likelihood and impact, the residual map by its residual ones (risks without one are left out).
/// </summary>
public sealed class HeatMap
{
    private readonly HeatMapCell[,] _cells;

    private HeatMap(HeatMapCell[,] cells, int total)
    {
        _cells = cells;
        Total = total;
    }

    /// <summary>The risks placed on the map.</summary>
    public int Total { get; }

    public HeatMapCell this[int likelihood, int impact] => _cells[likelihood - 1, impact - 1];

    /// <summary>The cells, highest likelihood first, then impact ascending: the order a reader scans the map.</summary>
    public IEnumerable<HeatMapCell> Cells
    {
        get
        {
            for (var likelihood = RiskCriteria.Scale; likelihood >= 1; likelihood--)
            {
                for (var impact = 1; impact <= RiskCriteria.Scale; impact++)
                {
                    yield return this[likelihood, impact];
                }
            }
        }
    }

    public static HeatMap Inherent(IEnumerable<RiskRecord> risks, RiskCriteria criteria) =>
        Build(risks, r => (r.Likelihood, r.Impact), criteria);

    public static HeatMap Residual(IEnumerable<RiskRecord> risks, RiskCriteria criteria) =>
        Build(risks, r => r is { ResidualLikelihood: { } l, ResidualImpact: { } i } ? (l, i) : null, criteria);

    private static HeatMap Build(IEnumerable<RiskRecord> risks, Func<RiskRecord, (int Likelihood, int Impact)?> place, RiskCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(risks);
        ArgumentNullException.ThrowIfNull(criteria);
        var ids = new List<Guid>[RiskCriteria.Scale, RiskCriteria.Scale];
        var total = 0;
        foreach (var risk in risks)
        {
            // A value outside the scale cannot come from the register's checks; it is left off rather than misplaced.
            if (place(risk) is not { } at || at.Likelihood is < 1 or > RiskCriteria.Scale || at.Impact is < 1 or > RiskCriteria.Scale)
            {
                continue;
            }

            (ids[at.Likelihood - 1, at.Impact - 1] ??= []).Add(risk.RiskId);
            total++;
        }

        var cells = new HeatMapCell[RiskCriteria.Scale, RiskCriteria.Scale];
        for (var l = 1; l <= RiskCriteria.Scale; l++)
        {
            for (var i = 1; i <= RiskCriteria.Scale; i++)
            {
                cells[l - 1, i - 1] = new HeatMapCell(l, i, criteria.LevelOf(l, i), (IReadOnlyList<Guid>?)ids[l - 1, i - 1] ?? []);
            }
        }

        return new HeatMap(cells, total);
    }
}

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

    public static HeatMap Inherent(IEnumerable<RiskRecord> risks, RiskCriteria criteria) => Build(risks, inherent: true, criteria);

    public static HeatMap Residual(IEnumerable<RiskRecord> risks, RiskCriteria criteria) => Build(risks, inherent: false, criteria);

    private static HeatMap Build(IEnumerable<RiskRecord> risks, bool inherent, RiskCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(risks);
        var builder = new Builder(inherent, criteria, int.MaxValue, RiskReport.SeverityOrder);
        foreach (var risk in risks)
        {
            builder.Add(risk);
        }

        return builder.Build();
    }

    /// <summary>A map built one risk at a time, keeping the count of each cell and its first <c>keep</c> ids in <c>order</c>.</summary>
    internal sealed class Builder
    {
        private readonly bool _inherent;
        private readonly RiskCriteria _criteria;
        private readonly TopList<RiskRecord>?[,] _cells = new TopList<RiskRecord>?[RiskCriteria.Scale, RiskCriteria.Scale];
        private readonly int _keep;
        private readonly IComparer<RiskRecord> _order;
        private int _total;

        public Builder(bool inherent, RiskCriteria criteria, int keep, IComparer<RiskRecord> order)
        {
            ArgumentNullException.ThrowIfNull(criteria);
            _inherent = inherent;
            _criteria = criteria;
            _keep = keep;
            _order = order;
        }

        public void Add(RiskRecord risk)
        {
            int likelihood, impact;
            if (_inherent)
            {
                (likelihood, impact) = (risk.Likelihood, risk.Impact);
            }
            else if (risk is { ResidualLikelihood: { } l, ResidualImpact: { } i })
            {
                (likelihood, impact) = (l, i);
            }
            else
            {
                return;
            }

            // A value outside the scale cannot come from the register's checks; it is left off rather than misplaced.
            if (likelihood is < 1 or > RiskCriteria.Scale || impact is < 1 or > RiskCriteria.Scale)
            {
                return;
            }

            (_cells[likelihood - 1, impact - 1] ??= new TopList<RiskRecord>(_keep, _order)).Add(risk);
            _total++;
        }

        public HeatMap Build()
        {
            var cells = new HeatMapCell[RiskCriteria.Scale, RiskCriteria.Scale];
            for (var l = 1; l <= RiskCriteria.Scale; l++)
            {
                for (var i = 1; i <= RiskCriteria.Scale; i++)
                {
                    var placed = _cells[l - 1, i - 1];
                    cells[l - 1, i - 1] = new HeatMapCell(l, i, _criteria.LevelOf(l, i), placed?.Count ?? 0, placed is null ? [] : [.. placed.ToList().Select(r => r.RiskId)]);
                }
            }

            return new HeatMap(cells, _total);
        }
    }
}

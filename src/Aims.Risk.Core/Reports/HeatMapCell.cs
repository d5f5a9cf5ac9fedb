using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Reports;

/// <summary>One cell of a 5×5 heat map: its level by the criteria's grid and the risks that fall in it.</summary>
public sealed record HeatMapCell(int Likelihood, int Impact, RiskLevel Level, IReadOnlyList<Guid> RiskIds)
{
    public int Count => RiskIds.Count;
}

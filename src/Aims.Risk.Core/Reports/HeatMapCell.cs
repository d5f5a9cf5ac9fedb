using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Reports;

/// <summary>One cell of a 5×5 heat map: its level by the criteria's grid, how many risks fall in it and their ids.</summary>
/// <param name="RiskIds">
/// The ids of the risks in the cell in the report's order: all of them, or the first <see cref="ReportDetail.CellIds"/>
/// in a report that keeps only what a page shows.
/// </param>
public sealed record HeatMapCell(int Likelihood, int Impact, RiskLevel Level, int Count, IReadOnlyList<Guid> RiskIds);

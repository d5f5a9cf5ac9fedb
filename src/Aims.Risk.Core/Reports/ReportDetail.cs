namespace Aims.Risk.Core.Reports;

/// <summary>
/// How many risks a report keeps in order beside its figures, which always count every risk: all of them for the
/// workbook, only what a page shows for the HTML, so that a register of any size is read in one pass and little memory.
/// </summary>
public sealed record ReportDetail
{
    /// <summary>Every risk, every id in every heat-map cell and Statement of Applicability line: what the workbook lists.</summary>
    public static ReportDetail All { get; } = new(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue);

    public ReportDetail(int risks, int lists, int cellIds, int soaIds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(risks);
        ArgumentOutOfRangeException.ThrowIfNegative(lists);
        ArgumentOutOfRangeException.ThrowIfNegative(cellIds);
        ArgumentOutOfRangeException.ThrowIfNegative(soaIds);
        Risks = risks;
        Lists = lists;
        CellIds = cellIds;
        SoaIds = soaIds;
    }

    /// <summary>Risks of the risk table, the most severe first.</summary>
    public int Risks { get; }

    /// <summary>Risks of the overdue and expiring lists.</summary>
    public int Lists { get; }

    /// <summary>Risk ids of a heat-map cell.</summary>
    public int CellIds { get; }

    /// <summary>Risk ids of a Statement of Applicability line.</summary>
    public int SoaIds { get; }

    /// <summary>What <see cref="RiskReportHtml"/> shows with a risk table of <paramref name="tableRows"/> rows.</summary>
    public static ReportDetail Page(int tableRows) =>
        new(tableRows, RiskReportHtml.ListLimit, RiskReportHtml.TitleIdLimit, RiskReport.SoaNamedRisks);
}

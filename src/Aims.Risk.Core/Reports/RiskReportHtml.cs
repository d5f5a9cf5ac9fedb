using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Reports;

/// <summary>
/// The report as one self-contained HTML page: inline CSS, no script, font, image or request of any kind (a
/// Content-Security-Policy says so to the browser), readable printed. Every register value is encoded: titles, owners
/// and ids come from the publishers of events and from people.
/// </summary>
public static class RiskReportHtml
{
    /// <summary>Rows of the risk table; past it the page says how many are left out and where to find them.</summary>
    public const int DefaultTableLimit = 1000;

    /// <summary>Rows of the overdue and expiring lists.</summary>
    public const int ListLimit = 100;

    /// <summary>Risk ids in a heat-map cell's title; a busy cell names the first ones and counts the rest.</summary>
    public const int TitleIdLimit = 50;

    /// <summary>No scripts, no fonts, no images, no connections: only the inline style sheet.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    // Letters of every script stay readable in the source; markup characters are encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Css = """
        :root { color-scheme: light; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1b1b; margin: 24px auto; max-width: 1180px; padding: 0 16px; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #d0d0d0; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        p { margin: 6px 0; }
        .meta { color: #444; }
        code { font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
        table { border-collapse: collapse; margin: 8px 0 12px; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        th, td { border: 1px solid #9a9a9a; padding: 4px 7px; text-align: left; vertical-align: top; }
        thead th { background: #ececec; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .lvl-Low { background: #cfe8cf; }
        .lvl-Medium { background: #fff0a8; }
        .lvl-High { background: #ffc98a; }
        .lvl-Critical { background: #f3a0a0; }
        .figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; padding: 0; list-style: none; }
        .figures li { border: 1px solid #9a9a9a; border-radius: 4px; padding: 8px 12px; min-width: 150px; }
        .figures b { display: block; font-size: 24px; }
        .matrices { display: flex; flex-wrap: wrap; gap: 32px; }
        table.heatmap td { width: 64px; height: 52px; text-align: center; vertical-align: middle; padding: 2px; }
        table.heatmap th { text-align: center; vertical-align: middle; }
        table.heatmap thead th:first-child { width: 84px; font-size: 12px; }
        table.heatmap .count { display: block; font-size: 20px; font-weight: 700; }
        table.heatmap .level { display: block; font-size: 11px; }
        table.heatmap td.empty .count { font-weight: 400; color: #555; }
        .note { background: #f4f4f4; border-left: 4px solid #777; padding: 6px 10px; }
        table.risks td { font-size: 13px; }
        table.risks td:nth-child(2), table.risks td:nth-child(8), table.risks td:nth-child(9), #overdue-list td:nth-child(2), #expiring-list td:nth-child(2) { white-space: nowrap; }
        footer { margin-top: 32px; color: #555; font-size: 12px; }
        @media print {
          body { margin: 0; max-width: none; font-size: 11px; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          h2 { break-after: avoid; }
          .matrices, .figures, table.heatmap, tr { break-inside: avoid; }
          thead { display: table-header-group; }
        }
        """;

    public static string Render(RiskReport report, int tableLimit = DefaultTableLimit)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(report, writer, tableLimit);
        return writer.ToString();
    }

    public static void Write(RiskReport report, TextWriter output, int tableLimit = DefaultTableLimit)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(tableLimit);
        var w = new Html(output);
        var scope = report.SystemId is { } system ? $"AI system {system}" : "all AI systems";
        w.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        w.Raw($"<meta http-equiv=\"Content-Security-Policy\" content=\"{ContentSecurityPolicy}\">\n");
        w.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"aims-risk\">\n");
        w.Raw("<title>").Text($"AI risk report: {scope}, {Time(report.GeneratedAt)} UTC").Raw("</title>\n<style>\n").Raw(Css).Raw("</style>\n</head>\n<body>\n");

        w.Raw("<header>\n<h1>").Text($"AI risk report: {scope}").Raw("</h1>\n<p class=\"meta\">Generated ").Text(Time(report.GeneratedAt)).Raw(" UTC from the risk register, with the criteria of rule set ")
            .Text($"{report.RuleSetName} {report.RuleSetVersion}").Raw(" (SHA-256 <code id=\"rule-set-hash\">").Text(report.RuleSetHash).Raw("</code>). ISO/IEC 42001 6.1.2 (assessment), 6.1.3 (treatment and Statement of Applicability).</p>\n</header>\n");

        Summary(w, report);
        HeatMaps(w, report);
        Attention(w, report);
        RiskTable(w, report, tableLimit);
        Soa(w, report);
        Criteria(w, report);

        w.Raw("<footer><p>A read-only view of the register at the time above; it changes nothing. Every risk: <code>aims-risk report --format xlsx</code> or <code>aims-risk risks --format csv</code>.</p></footer>\n</body>\n</html>\n");
    }

    private static void Summary(Html w, RiskReport report)
    {
        w.Raw("<section id=\"summary\" aria-labelledby=\"summary-title\">\n<h2 id=\"summary-title\">Summary</h2>\n<ul class=\"figures\">\n");
        Figure(w, "open-risks", report.OpenCount, "open risks", $"of {N(report.RiskCount)} in the register, on {N(report.SystemCount)} systems");
        foreach (var level in Levels.OrderDescending())
        {
            Figure(w, $"open-{level.ToString().ToLowerInvariant()}", report.OpenByLevel[level], $"{level} (inherent)", null);
        }

        Figure(w, "overdue", report.OverdueCount, "overdue treatments", "past their due date");
        Figure(w, "expiring", report.ExpiringCount, "acceptances expiring", $"within {RiskReport.ExpiryWindowDays} days");
        Figure(w, "residual", report.Residual.Total, "with a residual", "recorded by the owner");
        w.Raw("</ul>\n</section>\n");
    }

    private static void Attention(Html w, RiskReport report)
    {
        var now = report.GeneratedAt;
        w.Raw("<section id=\"attention\" aria-labelledby=\"attention-title\">\n<h2 id=\"attention-title\">Open risks by category, overdue treatments, acceptances ending</h2>\n");
        w.Raw("<table id=\"by-category\">\n<caption>Open risks by category and inherent level</caption>\n<thead><tr><th scope=\"col\">Category</th>");
        foreach (var level in Levels)
        {
            w.Raw($"<th scope=\"col\" class=\"num\">{level}</th>");
        }

        w.Raw("<th scope=\"col\" class=\"num\">Total</th></tr></thead>\n<tbody>\n");
        foreach (var category in report.ByCategory)
        {
            w.Raw("<tr><th scope=\"row\">").Text(category.Category).Raw("</th>");
            foreach (var level in Levels)
            {
                w.Raw("<td class=\"num\">").Raw(N(category.ByLevel[level])).Raw("</td>");
            }

            w.Raw("<td class=\"num\">").Raw(N(category.Total)).Raw("</td></tr>\n");
        }

        w.Raw("</tbody>\n<tfoot><tr><th scope=\"row\">All categories</th>");
        foreach (var level in Levels)
        {
            w.Raw("<td class=\"num\">").Raw(N(report.OpenByLevel[level])).Raw("</td>");
        }

        w.Raw("<td class=\"num\">").Raw(N(report.OpenCount)).Raw("</td></tr></tfoot>\n</table>\n");

        w.Raw("<h3 id=\"overdue-title\">Overdue treatments</h3>\n");
        RiskList(w, "overdue-list", "overdue-title", report.Overdue, report.OverdueCount, ["System", "Rule", "Title", "Level", "Status", "Owner", "Due", "Days overdue"],
            r => [r.SystemId, r.RuleId, r.Title, null, r.Status.ToString(), r.Owner, Date(r.DueBy), N((int)(now - r.DueBy!.Value).TotalDays)],
            "No treatment is past its due date.");
        w.Raw($"<h3 id=\"expiring-title\">Acceptances ending within {RiskReport.ExpiryWindowDays} days</h3>\n");
        RiskList(w, "expiring-list", "expiring-title", report.ExpiringAcceptances, report.ExpiringCount, ["System", "Rule", "Title", "Level", "Status", "Accepted by", "Accepted until", "Days left"],
            r => [r.SystemId, r.RuleId, r.Title, null, r.Status.ToString(), r.AcceptedBy ?? "", Date(r.AcceptedUntil), r.AcceptedUntil <= now ? "ended" : N((int)Math.Ceiling((r.AcceptedUntil!.Value - now).TotalDays))],
            $"No acceptance ends within {RiskReport.ExpiryWindowDays} days.");
        w.Raw("</section>\n");
    }

    /// <summary>A short list of risks; the null column is the level cell.</summary>
    private static void RiskList(Html w, string id, string labelledBy, IReadOnlyList<RiskRecord> risks, int count, string[] headers, Func<RiskRecord, string?[]> row, string empty)
    {
        if (count == 0)
        {
            w.Raw($"<p id=\"{id}\">").Text(empty).Raw("</p>\n");
            return;
        }

        if (count > ListLimit)
        {
            w.Raw("<p class=\"note\">").Text($"The first {N(ListLimit)} of {N(count)} are listed; the workbook lists every risk.").Raw("</p>\n");
        }

        w.Raw($"<table id=\"{id}\" aria-labelledby=\"{labelledBy}\">\n<thead><tr>");
        foreach (var header in headers)
        {
            w.Raw("<th scope=\"col\">").Text(header).Raw("</th>");
        }

        w.Raw("</tr></thead>\n<tbody>\n");
        foreach (var risk in risks.Take(ListLimit))
        {
            w.Raw("<tr>");
            foreach (var cell in row(risk))
            {
                if (cell is null)
                {
                    LevelCell(w, risk.Level);
                }
                else
                {
                    w.Raw("<td>").Text(cell).Raw("</td>");
                }
            }

            w.Raw("</tr>\n");
        }

        w.Raw("</tbody>\n</table>\n");
    }

    private static void HeatMaps(Html w, RiskReport report)
    {
        w.Raw("<section id=\"heatmaps\" aria-labelledby=\"heatmaps-title\">\n<h2 id=\"heatmaps-title\">Heat maps</h2>\n");
        w.Raw("<p>Open risks by likelihood (rows, 5 = almost certain) and impact (columns, 5 = severe). Each cell is coloured by the level the criteria give it and names that level; the number is how many risks fall in it, and the cell's tooltip lists their ids. The residual map places the risks whose owner recorded a residual likelihood and impact after treatment.</p>\n<div class=\"matrices\">\n");
        Matrix(w, "inherent", $"Inherent risk ({N(report.Inherent.Total)} open risks)", report.Inherent);
        Matrix(w, "residual", $"Residual risk ({N(report.Residual.Total)} open risks with a residual)", report.Residual);
        w.Raw("</div>\n</section>\n");
    }

    private static void Matrix(Html w, string name, string caption, HeatMap map)
    {
        w.Raw($"<table class=\"heatmap\" id=\"{name}-matrix\" data-matrix=\"{name}\" data-total=\"{map.Total.ToString(CultureInfo.InvariantCulture)}\">\n<caption>").Text(caption)
            .Raw("</caption>\n<thead><tr><th scope=\"col\">Likelihood \\ Impact</th>");
        for (var impact = 1; impact <= RiskCriteria.Scale; impact++)
        {
            w.Raw($"<th scope=\"col\">{impact}</th>");
        }

        w.Raw("</tr></thead>\n<tbody>\n");
        foreach (var cell in map.Cells)
        {
            if (cell.Impact == 1)
            {
                w.Raw($"<tr><th scope=\"row\">{cell.Likelihood}</th>");
            }

            var title = cell.Count switch
            {
                0 => $"likelihood {cell.Likelihood}, impact {cell.Impact}: {cell.Level}, no risk",
                <= TitleIdLimit => $"likelihood {cell.Likelihood}, impact {cell.Impact}: {cell.Level}, {N(cell.Count)} risk{(cell.Count == 1 ? "" : "s")}: {string.Join(", ", cell.RiskIds)}",
                _ => $"likelihood {cell.Likelihood}, impact {cell.Impact}: {cell.Level}, {N(cell.Count)} risks, the first {TitleIdLimit}: {string.Join(", ", cell.RiskIds.Take(TitleIdLimit))}, and {N(cell.Count - TitleIdLimit)} more",
            };
            w.Raw($"<td class=\"lvl-{cell.Level}{(cell.Count == 0 ? " empty" : "")}\" data-likelihood=\"{cell.Likelihood}\" data-impact=\"{cell.Impact}\" data-level=\"{cell.Level}\" data-count=\"{cell.Count.ToString(CultureInfo.InvariantCulture)}\" title=\"")
                .Text(title).Raw("\"><span class=\"count\">").Raw(N(cell.Count)).Raw($"</span><span class=\"level\">{cell.Level}</span></td>");
            if (cell.Impact == RiskCriteria.Scale)
            {
                w.Raw("</tr>\n");
            }
        }

        w.Raw("</tbody>\n</table>\n");
    }

    private static void RiskTable(Html w, RiskReport report, int tableLimit)
    {
        var shown = Math.Min(tableLimit, report.Risks.Count);
        var total = report.RiskCount;
        w.Raw("<section id=\"risks\" aria-labelledby=\"risks-title\">\n<h2 id=\"risks-title\">Risks</h2>\n");
        if (shown < total)
        {
            w.Raw("<p class=\"note\" id=\"risks-limited\">").Text(
                $"This page lists the first {N(shown)} of {N(total)} risks: open ones first, the highest levels first. The figures, heat maps and Statement of Applicability above and below count every risk; the workbook (aims-risk report --format xlsx) and aims-risk risks --format csv list them all.")
                .Raw("</p>\n");
        }
        else
        {
            w.Raw("<p>").Text($"All {N(total)} risks, open ones first, the highest levels first.").Raw("</p>\n");
        }

        w.Raw("<table class=\"risks\" id=\"risk-table\" aria-labelledby=\"risks-title\">\n<thead><tr><th scope=\"col\">System</th><th scope=\"col\">Rule</th><th scope=\"col\">Title</th><th scope=\"col\">Level</th><th scope=\"col\">Residual</th><th scope=\"col\">Status</th><th scope=\"col\">Owner</th><th scope=\"col\">Due</th><th scope=\"col\">Accepted until</th></tr></thead>\n<tbody>\n");
        foreach (var r in report.Risks.Take(shown))
        {
            w.Raw("<tr data-risk-id=\"").Raw(r.RiskId.ToString()).Raw("\"><td>").Text(r.SystemId).Raw("</td><td>").Text(r.RuleId).Raw("</td><td>").Text(r.Title).Raw("</td>");
            LevelCell(w, r.Level);
            if (r.ResidualLevel is { } residual)
            {
                LevelCell(w, residual);
            }
            else
            {
                w.Raw("<td>-</td>");
            }

            w.Raw("<td>").Raw(r.Status.ToString()).Raw("</td><td>").Text(r.Owner).Raw("</td><td>").Raw(Date(r.DueBy)).Raw("</td><td>").Raw(Date(r.AcceptedUntil)).Raw("</td></tr>\n");
        }

        w.Raw("</tbody>\n</table>\n</section>\n");
    }

    private static void Soa(Html w, RiskReport report)
    {
        var applicable = report.Soa.Count(l => l.Applicable);
        w.Raw("<section id=\"soa\" aria-labelledby=\"soa-title\">\n<h2 id=\"soa-title\">Statement of Applicability</h2>\n<p>").Text(
            $"{applicable} of the {report.Soa.Count} ISO/IEC 42001 Annex A controls are needed by an open risk. The implementation follows from the treatments of those risks; the justifications naming the risks are in the workbook (the first 200 of each control) and in aims-risk soa (all of them).")
            .Raw("</p>\n<table id=\"soa-table\" aria-labelledby=\"soa-title\">\n<thead><tr><th scope=\"col\">Control</th><th scope=\"col\">Title</th><th scope=\"col\">Applicable</th><th scope=\"col\">Implementation</th><th scope=\"col\" class=\"num\">Open risks needing it</th></tr></thead>\n<tbody>\n");
        foreach (var line in report.Soa)
        {
            w.Raw("<tr><th scope=\"row\">").Text(line.Control).Raw("</th><td>").Text(line.Title).Raw("</td><td>").Raw(line.Applicable ? "yes" : "no").Raw("</td><td>").Text(line.Implementation)
                .Raw("</td><td class=\"num\">").Raw(N(line.RiskCount)).Raw("</td></tr>\n");
        }

        w.Raw("</tbody>\n</table>\n</section>\n");
    }

    private static void Criteria(Html w, RiskReport report)
    {
        var criteria = report.Criteria;
        w.Raw("<section id=\"criteria\" aria-labelledby=\"criteria-title\">\n<h2 id=\"criteria-title\">Criteria and method</h2>\n<p>").Text(
            $"Risk criteria of rule set {report.RuleSetName} {report.RuleSetVersion}: a finding's level is read from the grid by its likelihood and impact (1-5 each; score = likelihood × impact). Risks at or above {criteria.AcceptanceThreshold} require treatment and get a due date; below it they are tolerated. An acceptance lasts at most {criteria.MaxAcceptanceDays} days. A risk is open in every status but Resolved.")
            .Raw("</p>\n<table id=\"criteria-grid\">\n<caption>Level by likelihood and impact</caption>\n<thead><tr><th scope=\"col\">Likelihood \\ Impact</th>");
        for (var impact = 1; impact <= RiskCriteria.Scale; impact++)
        {
            w.Raw($"<th scope=\"col\">{impact}</th>");
        }

        w.Raw("</tr></thead>\n<tbody>\n");
        for (var likelihood = RiskCriteria.Scale; likelihood >= 1; likelihood--)
        {
            w.Raw($"<tr><th scope=\"row\">{likelihood}</th>");
            for (var impact = 1; impact <= RiskCriteria.Scale; impact++)
            {
                LevelCell(w, criteria.LevelOf(likelihood, impact));
            }

            w.Raw("</tr>\n");
        }

        w.Raw("</tbody>\n</table>\n<table id=\"criteria-levels\">\n<caption>Treatment by level</caption>\n<thead><tr><th scope=\"col\">Level</th><th scope=\"col\">Treatment</th><th scope=\"col\" class=\"num\">Due within (days)</th></tr></thead>\n<tbody>\n");
        foreach (var level in Levels)
        {
            w.Raw("<tr>");
            LevelCell(w, level);
            w.Raw("<td>").Raw(criteria.RequiresTreatment(level) ? "required" : "tolerated (within appetite)").Raw("</td><td class=\"num\">").Raw(N(criteria.DueDays(level))).Raw("</td></tr>\n");
        }

        w.Raw("</tbody>\n</table>\n<table id=\"assessed-under\">\n<caption>Rule-set versions that last assessed these risks</caption>\n<thead><tr><th scope=\"col\">Version</th><th scope=\"col\">SHA-256</th><th scope=\"col\" class=\"num\">Risks</th></tr></thead>\n<tbody>\n");
        foreach (var use in report.AssessedUnder)
        {
            w.Raw("<tr><td>").Text(use.Version).Raw("</td><td><code>").Text(use.Hash).Raw("</code></td><td class=\"num\">").Raw(N(use.Risks)).Raw("</td></tr>\n");
        }

        w.Raw("</tbody>\n</table>\n</section>\n");
    }

    private static void Figure(Html w, string id, int value, string label, string? detail)
    {
        w.Raw($"<li id=\"figure-{id}\"><b>{N(value)}</b>").Text(label);
        if (detail is not null)
        {
            w.Raw("<br><small>").Text(detail).Raw("</small>");
        }

        w.Raw("</li>\n");
    }

    private static void LevelCell(Html w, RiskLevel level) => w.Raw($"<td class=\"lvl-{level}\">{level}</td>");

    private static IEnumerable<RiskLevel> Levels => Enum.GetValues<RiskLevel>();

    private static string N(int value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Date(DateTimeOffset? value) => value?.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Markup goes out as it is; text, always through the encoder.</summary>
    private sealed class Html(TextWriter output)
    {
        public Html Raw(string markup)
        {
            output.Write(markup);
            return this;
        }

        public Html Text(string text)
        {
            Encoder.Encode(output, text);
            return this;
        }
    }
}

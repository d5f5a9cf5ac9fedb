using System.Globalization;
using System.Text.RegularExpressions;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Reports;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Reports;

/// <summary>The report model and its HTML: counts against the register, limits, encoding, self-containment.</summary>
public sealed partial class RiskReportTests(ExampleRegister example) : IClassFixture<ExampleRegister>
{
    private static readonly RuleSet Rules = RuleSetLoader.Load(RepositoryRoot.Rules);

    [Fact]
    public async Task Heat_maps_place_each_open_risk_in_its_cell_and_only_risks_with_a_residual_on_the_residual_map()
    {
        var risks = await example.RisksAsync();

        var report = RiskReport.Create(risks, example.RuleSet, null, ExampleRegister.ReportTime);

        var open = risks.Where(r => r.Status != RiskStatus.Resolved).ToList();
        Assert.True(open.Count > 10, "the examples open enough risks to spread over the map");
        for (var l = 1; l <= 5; l++)
        {
            for (var i = 1; i <= 5; i++)
            {
                var inherent = open.Where(r => r.Likelihood == l && r.Impact == i).Select(r => r.RiskId).Order().ToList();
                var residual = open.Where(r => r.ResidualLikelihood == l && r.ResidualImpact == i).Select(r => r.RiskId).Order().ToList();
                Assert.Equal(inherent, report.Inherent[l, i].RiskIds.Order());
                Assert.Equal(residual, report.Residual[l, i].RiskIds.Order());
                Assert.Equal(example.RuleSet.Criteria.LevelOf(l, i), report.Inherent[l, i].Level);
            }
        }

        Assert.Equal(open.Count, report.Inherent.Total);
        Assert.Equal(2, report.Residual.Total);
        Assert.Equal(1, report.Residual.Cells.Single(c => c.RiskIds.Contains(example.Treated)).Likelihood);
    }

    [Fact]
    public async Task Summary_counts_overdue_treatments_and_acceptances_ending_within_30_days()
    {
        var risks = await example.RisksAsync();

        var report = RiskReport.Create(risks, example.RuleSet, null, ExampleRegister.ReportTime);

        var overdue = risks.Where(r => r.Status is RiskStatus.TreatmentRequested or RiskStatus.InTreatment && r.DueBy < ExampleRegister.ReportTime).ToList();
        Assert.NotEmpty(overdue);
        Assert.True(overdue.Count < risks.Count(r => r.Status is RiskStatus.TreatmentRequested or RiskStatus.InTreatment), "some treatments are not due yet");
        Assert.Equal(overdue.Select(r => r.RiskId).Order(), report.Overdue.Select(r => r.RiskId).Order());
        Assert.Equal([example.AcceptedSoon], report.ExpiringAcceptances.Select(r => r.RiskId));
        Assert.Equal(risks.Count(r => r.IsOpen && r.Level == RiskLevel.High), report.OpenByLevel[RiskLevel.High]);
        Assert.Equal(risks.Count(r => r.IsOpen), report.ByCategory.Sum(c => c.Total));
        Assert.Equal(38, report.Soa.Count);
    }

    [Fact]
    public void Resolved_risks_are_listed_last_and_left_off_the_maps_figures_and_soa()
    {
        var open = Risk("sys", "SEC-001", 4, 4);
        var resolved = Risk("sys", "SEC-002", 5, 5) with { Status = RiskStatus.Resolved, Controls = ["A.2.2"] };

        var report = RiskReport.Create([resolved, open], Rules, null, SampleEvents.Now);

        Assert.Equal([open.RiskId, resolved.RiskId], report.Risks.Select(r => r.RiskId));
        Assert.Equal(1, report.Inherent.Total);
        Assert.Equal(0, report.Inherent[5, 5].Count);
        Assert.Equal(1, report.OpenByLevel.Values.Sum());
        Assert.False(report.Soa.Single(l => l.Control == "A.2.2").Applicable);
    }

    [Fact]
    public async Task Html_shows_both_matrices_with_the_counts_levels_and_ids_of_the_register()
    {
        var report = RiskReport.Create(await example.RisksAsync(), example.RuleSet, null, ExampleRegister.ReportTime);

        var html = RiskReportHtml.Render(report);

        foreach (var (name, map) in new[] { ("inherent", report.Inherent), ("residual", report.Residual) })
        {
            var table = Regex.Match(html, $"<table class=\"heatmap\" id=\"{name}-matrix\".*?</table>", RegexOptions.Singleline).Value;
            var cells = CellPattern().Matches(table);
            Assert.Equal(25, cells.Count);
            foreach (Match cell in cells)
            {
                var expected = map[int.Parse(cell.Groups["l"].Value, CultureInfo.InvariantCulture), int.Parse(cell.Groups["i"].Value, CultureInfo.InvariantCulture)];
                Assert.Equal(expected.Level.ToString(), cell.Groups["level"].Value);
                Assert.Equal($"lvl-{expected.Level}", cell.Groups["class"].Value.Split(' ')[0]);
                Assert.Equal(expected.Count.ToString(CultureInfo.InvariantCulture), cell.Groups["count"].Value);
                Assert.Equal(expected.Count.ToString(CultureInfo.InvariantCulture), cell.Groups["shown"].Value);
                Assert.Equal(expected.Level.ToString(), cell.Groups["name"].Value);
                Assert.All(expected.RiskIds, id => Assert.Contains(id.ToString(), cell.Groups["title"].Value, StringComparison.Ordinal));
            }
        }

        Assert.Contains($"<code id=\"rule-set-hash\">{example.RuleSet.Hash}</code>", html, StringComparison.Ordinal);
        Assert.Contains("2026-12-09 12:00 UTC", html, StringComparison.Ordinal);
        Assert.Equal(report.Risks.Count, Regex.Count(html, "<tr data-risk-id="));
        Assert.DoesNotContain("risks-limited", html, StringComparison.Ordinal);
        Assert.Contains($"<li id=\"figure-expiring\"><b>1</b>", html, StringComparison.Ordinal);
        Assert.Contains($"<li id=\"figure-overdue\"><b>{report.Overdue.Count}</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_encodes_every_register_string()
    {
        const string Hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;";
        var risk = Risk($"sys{Hostile}", $"RULE{Hostile}", 4, 4) with
        {
            Title = $"title{Hostile}",
            Owner = $"owner{Hostile}",
            Category = $"cat{Hostile}",
            Status = RiskStatus.Accepted,
            AcceptedBy = $"approver{Hostile}",
            AcceptedUntil = SampleEvents.Now.AddDays(3),
            Controls = ["A.2.2"],
            RuleSetVersion = $"1.0{Hostile}",
            RuleSetHash = $"hash{Hostile}",
        };

        var html = RiskReportHtml.Render(RiskReport.Create([risk], Rules, $"sys{Hostile}", SampleEvents.Now));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"'>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;\"", html, StringComparison.Ordinal);
        foreach (var prefix in new[] { "title", "owner", "cat", "approver", "RULE", "sys", "1.0", "hash" })
        {
            Assert.Contains($"{prefix}&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Html_is_self_contained_no_script_no_external_resource_and_a_policy_that_forbids_them()
    {
        var html = RiskReportHtml.Render(RiskReport.Create(await example.RisksAsync(), example.RuleSet, null, ExampleRegister.ReportTime));

        Assert.Contains($"<meta http-equiv=\"Content-Security-Policy\" content=\"{RiskReportHtml.ContentSecurityPolicy}\">", html, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none';", RiskReportHtml.ContentSecurityPolicy, StringComparison.Ordinal);
        foreach (var external in new[] { "<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http://", "https://" })
        {
            Assert.DoesNotContain(external, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(Regex.Count(html, "<th "), Regex.Count(html, "<th scope=\"(col|row)\""));
        Assert.Contains("@media print", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Risk_table_past_the_limit_lists_the_highest_first_and_says_how_many_are_left_out()
    {
        var risks = Enumerable.Range(0, 30).Select(n => Risk($"sys-{n:00}", "SEC-001", 1 + (n % 5), 3)).ToList();

        var report = RiskReport.Create(risks, Rules, null, SampleEvents.Now);
        var limited = RiskReportHtml.Render(report, tableLimit: 10);
        var whole = RiskReportHtml.Render(report, tableLimit: 30);

        Assert.Equal(10, Regex.Count(limited, "<tr data-risk-id="));
        Assert.Contains("This page lists the first 10 of 30 risks", limited, StringComparison.Ordinal);
        var shown = Regex.Matches(limited, "<tr data-risk-id=\"([^\"]+)\"").Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(12, risks.Count(r => r.Level == RiskLevel.High));
        Assert.All(shown, id => Assert.Equal(RiskLevel.High, risks.Single(r => r.RiskId == id).Level));
        Assert.Equal(30, report.Inherent.Total);
        Assert.Equal(30, Regex.Count(whole, "<tr data-risk-id="));
        Assert.DoesNotContain("risks-limited", whole, StringComparison.Ordinal);
    }

    [Fact]
    public void A_busy_cell_names_its_first_ids_and_counts_the_rest()
    {
        var risks = Enumerable.Range(0, RiskReportHtml.TitleIdLimit + 7).Select(n => Risk($"sys-{n:000}", "SEC-001", 2, 2)).ToList();

        var html = RiskReportHtml.Render(RiskReport.Create(risks, Rules, null, SampleEvents.Now), tableLimit: 0);

        var cell = CellPattern().Matches(html).Single(m => m.Groups["l"].Value == "2" && m.Groups["i"].Value == "2" && m.Value.Contains("data-count=\"57\"", StringComparison.Ordinal));
        Assert.Contains($"the first {RiskReportHtml.TitleIdLimit}:", cell.Groups["title"].Value, StringComparison.Ordinal);
        Assert.EndsWith("and 7 more", cell.Groups["title"].Value, StringComparison.Ordinal);
        Assert.Equal(RiskReportHtml.TitleIdLimit, Regex.Count(cell.Groups["title"].Value, "[0-9a-f]{8}-[0-9a-f]{4}-"));
    }

    [Fact]
    public void Soa_justification_names_the_highest_risks_first_up_to_the_limit_and_counts_the_rest()
    {
        var risks = new[] { Risk("b", "SEC-001", 1, 1), Risk("a", "SEC-001", 5, 5), Risk("c", "SEC-001", 3, 3), Risk("a", "SEC-002", 3, 3), Risk("d", "SEC-001", 2, 2) }
            .Select(r => r with { Controls = ["A.6.2.4", "A.2.2", "A.6.2.4"] }).ToList();

        var named = StatementOfApplicability.Build(risks, namedAtMost: 2).Single(l => l.Control == "A.6.2.4");
        var all = StatementOfApplicability.Build(risks).Single(l => l.Control == "A.6.2.4");

        Assert.Equal(5, named.RiskIds.Count);
        Assert.Equal($"SEC-001 on a (Critical, TreatmentRequested, risk {risks[1].RiskId}); SEC-002 on a (Medium, TreatmentRequested, risk {risks[3].RiskId}); and 3 more", named.Justification);
        Assert.Equal([risks[1].RiskId, risks[3].RiskId, risks[2].RiskId, risks[0].RiskId, risks[4].RiskId], all.RiskIds);
        Assert.Equal(5, Regex.Count(all.Justification, "risk [0-9a-f]{8}-"));
        Assert.DoesNotContain("more", all.Justification, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_that_keeps_only_what_the_page_shows_renders_the_page_of_one_that_keeps_every_risk()
    {
        // Enough risks that every list, busy cell and control passes its limit; statuses, dates, residuals and rule
        // sets of every kind, read in an order unlike the report's.
        var random = new Random(14);
        var statuses = Enum.GetValues<RiskStatus>();
        string[] controls = ["A.2.2", "A.5.2", "A.6.2.4", "A.7.4", "A.10.1"];
        var risks = Enumerable.Range(0, 3000).Select(n =>
        {
            var status = statuses[random.Next(statuses.Length)];
            var residual = random.Next(4) == 0 ? (Likelihood: 1 + random.Next(5), Impact: 1 + random.Next(5)) : ((int Likelihood, int Impact)?)null;
            return Risk($"sys-{random.Next(400):000}", $"RULE-{n:0000}", 1 + random.Next(5), 1 + random.Next(5)) with
            {
                Status = status,
                Category = $"category-{n % 3}",
                Controls = [.. controls.Where(_ => random.Next(3) == 0)],
                DueBy = SampleEvents.Now.AddDays(random.Next(-60, 60)),
                AcceptedUntil = status == RiskStatus.Accepted ? SampleEvents.Now.AddDays(random.Next(-5, 60)) : null,
                ResidualLikelihood = residual?.Likelihood,
                ResidualImpact = residual?.Impact,
                ResidualLevel = residual is { } r ? Rules.Criteria.LevelOf(r.Likelihood, r.Impact) : null,
                RuleSetVersion = n % 7 == 0 ? "0.9.0" : Rules.Version,
            };
        }).ToList();
        var whole = RiskReport.Create(risks, Rules, null, SampleEvents.Now);
        Assert.True(whole.OverdueCount > RiskReportHtml.ListLimit && whole.ExpiringCount > RiskReportHtml.ListLimit, "both lists pass their limit");
        Assert.Contains(whole.Inherent.Cells, c => c.Count > RiskReportHtml.TitleIdLimit);
        Assert.Contains(whole.Soa, l => l.RiskCount > RiskReport.SoaNamedRisks);

        foreach (var limit in new[] { 0, 10, 1000, 5000 })
        {
            var page = RiskReport.Create(Enumerable.Reverse(risks), Rules, null, SampleEvents.Now, ReportDetail.Page(limit));

            Assert.Equal(RiskReportHtml.Render(whole, limit), RiskReportHtml.Render(page, limit));
            Assert.Equal(Math.Min(limit, risks.Count), page.Risks.Count);
            Assert.Equal(risks.Count, page.RiskCount);
        }
    }

    internal static RiskRecord Risk(string system, string rule, int likelihood, int impact) => new()
    {
        RiskId = Guid.NewGuid(),
        SystemId = system,
        RuleId = rule,
        Category = "security",
        Title = $"{rule} title",
        Owner = "owner@example.com",
        Status = RiskStatus.TreatmentRequested,
        Likelihood = likelihood,
        Impact = impact,
        Score = likelihood * impact,
        Level = Rules.Criteria.LevelOf(likelihood, impact),
        DueBy = SampleEvents.Now.AddDays(30),
        FirstSeenAt = SampleEvents.Now,
        LastSeenAt = SampleEvents.Now,
        LastEventId = Guid.NewGuid(),
        RuleSetVersion = Rules.Version,
        RuleSetHash = Rules.Hash,
        Version = 1,
    };

    [GeneratedRegex("<td class=\"(?<class>[^\"]+)\" data-likelihood=\"(?<l>\\d)\" data-impact=\"(?<i>\\d)\" data-level=\"(?<level>\\w+)\" data-count=\"(?<count>\\d+)\" title=\"(?<title>[^\"]*)\"><span class=\"count\">(?<shown>[\\d,]+)</span><span class=\"level\">(?<name>\\w+)</span></td>")]
    private static partial Regex CellPattern();
}

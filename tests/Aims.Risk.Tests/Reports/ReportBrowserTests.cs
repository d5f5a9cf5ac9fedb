using Aims.Risk.Core.Reports;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Aims.Risk.Tests.Reports;

/// <summary>
/// The HTML report of the examples' register opened from disk in headless Chromium, as a person opens it: both heat
/// maps with the register's counts, no console error, no request beyond the file itself, and printable. The screenshot
/// and the PDF are kept in the test results folder (<c>AIMS_RISK_TEST_RESULTS</c>, default tests/TestResults).
/// </summary>
public sealed class ReportBrowserTests(ExampleRegister example, ITestOutputHelper output) : IClassFixture<ExampleRegister>
{
    private static string Results => TestArtifacts.Folder;

    [ChromiumFact]
    public async Task The_report_renders_both_matrices_with_the_register_counts_without_errors_or_requests()
    {
        var risks = await example.RisksAsync();
        var report = RiskReport.Create(risks, example.RuleSet, null, ExampleRegister.ReportTime);
        var file = Path.Combine(Results, "report.html");
        await File.WriteAllTextAsync(file, RiskReportHtml.Render(report));
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var problems = new List<string>();
        var requests = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        page.Request += (_, request) => requests.Add(request.Url);
        var url = new Uri(file).AbsoluteUri;

        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        Assert.NotNull(response);
        foreach (var (name, place) in new (string, Func<RiskRecord, (int?, int?)>)[]
                 {
                     ("inherent", r => (r.Likelihood, r.Impact)),
                     ("residual", r => (r.ResidualLikelihood, r.ResidualImpact)),
                 })
        {
            var cells = await page.Locator($"#{name}-matrix tbody td").AllAsync();
            Assert.Equal(25, cells.Count);
            foreach (var cell in cells)
            {
                var l = int.Parse((await cell.GetAttributeAsync("data-likelihood"))!, System.Globalization.CultureInfo.InvariantCulture);
                var i = int.Parse((await cell.GetAttributeAsync("data-impact"))!, System.Globalization.CultureInfo.InvariantCulture);
                var inCell = risks.Where(r => r.IsOpen && place(r) == (l, i)).ToList();
                Assert.Equal(inCell.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await cell.Locator(".count").InnerTextAsync());
                Assert.Equal(example.RuleSet.Criteria.LevelOf(l, i).ToString(), await cell.Locator(".level").InnerTextAsync());
                var title = await cell.GetAttributeAsync("title") ?? "";
                Assert.All(inCell, r => Assert.Contains(r.RiskId.ToString(), title, StringComparison.Ordinal));
                Assert.NotEqual("rgba(0, 0, 0, 0)", await cell.EvaluateAsync<string>("c => getComputedStyle(c).backgroundColor"));
            }

            Assert.Equal(11, await page.Locator($"#{name}-matrix th[scope]").CountAsync());
        }

        Assert.Equal(risks.Count, await page.Locator("#risk-table tbody tr").CountAsync());
        Assert.Equal(38, await page.Locator("#soa-table tbody tr").CountAsync());
        Assert.Equal(0, await page.Locator("script, link, img, iframe, object, embed").CountAsync());
        Assert.Empty(problems);
        Assert.Equal([url], requests);

        var screenshot = Path.Combine(Results, "report.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.NotEqual("rgba(0, 0, 0, 0)", await page.Locator("#inherent-matrix td").First.EvaluateAsync<string>("c => getComputedStyle(c).backgroundColor"));
        var pdf = Path.Combine(Results, "report.pdf");
        await page.PdfAsync(new PagePdfOptions { Path = pdf, Format = "A4", PrintBackground = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot has content");
        Assert.StartsWith("%PDF", File.ReadAllText(pdf)[..4], StringComparison.Ordinal);
        output.WriteLine($"screenshot {screenshot}, PDF {pdf}");
    }

    [ChromiumFact]
    public async Task A_hostile_title_stays_text_in_the_browser()
    {
        const string Hostile = "<img src=x onerror=\"console.error('injected')\"><script>console.error('injected')</script>";
        var risk = RiskReportTests.Risk("sys", "SEC-001", 4, 4) with { Title = Hostile, Owner = Hostile };
        var file = Path.Combine(Results, "hostile.html");
        await File.WriteAllTextAsync(file, RiskReportHtml.Render(RiskReport.Create([risk], example.RuleSet, null, SampleEvents.Now)));
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) => problems.Add($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => problems.Add($"page error: {error}");

        await page.GotoAsync(new Uri(file).AbsoluteUri);

        Assert.Equal(Hostile, await page.Locator("#risk-table tbody tr td").Nth(2).InnerTextAsync());
        Assert.Equal(0, await page.Locator("img, script").CountAsync());
        Assert.Empty(problems);
    }

    /// <summary>Playwright gives each launch a new, empty profile and removes it at close.</summary>
    private static async Task<BrowserSession> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium.Executable,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                ],
            });
            return new BrowserSession(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A browser and its driver, closed together.</summary>
    private sealed class BrowserSession(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync(BrowserNewPageOptions? options = null) => browser.NewPageAsync(options);

        public async ValueTask DisposeAsync()
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}

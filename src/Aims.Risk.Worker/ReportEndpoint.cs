using Aims.Risk.Core.Reports;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker;

/// <summary>
/// <c>GET /report[?system=ID]</c>: the HTML report of the register, so a person can look without the command line.
/// Read-only (GET only; it reads the register and changes nothing), and served on the health port only, which listens
/// on localhost unless <c>Health:Address</c> says otherwise: the report names systems, owners and open risks.
/// </summary>
public static class ReportEndpoint
{
    public const string Path = "/report";

    // One report at a time, however many people ask: each reads the whole register (in one streamed pass, keeping only
    // what the page shows).
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static WebApplication MapRiskReport(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // By the port the request came in on, as the intake does: not on the intake's port, whatever the Host header says.
        app.MapGet(Path, WriteAsync).AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.LocalPort == context.HttpContext.RequestServices.GetRequiredService<IOptions<HealthOptions>>().Value.Port
                ? await next(context)
                : Results.NotFound());
        return app;
    }

    private static async Task WriteAsync(HttpContext context, IRiskRegister register, RuleSetProvider rules, TimeProvider clock, string? system)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        if (!rules.HasRuleSet)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await response.WriteAsync("no rule set is active yet: the report needs its criteria", context.RequestAborted);
            return;
        }

        string html;
        await OneAtATime.WaitAsync(context.RequestAborted);
        try
        {
            var report = await RiskReport.LoadAsync(register, rules.Current, string.IsNullOrWhiteSpace(system) ? null : system, clock.GetUtcNow(),
                ReportDetail.Page(RiskReportHtml.DefaultTableLimit), context.RequestAborted);
            html = RiskReportHtml.Render(report);
        }
        finally
        {
            OneAtATime.Release();
        }

        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = RiskReportHtml.ContentSecurityPolicy + "; frame-ancestors 'none'";
        response.Headers["Referrer-Policy"] = "no-referrer";
        await response.WriteAsync(html, context.RequestAborted);
    }
}

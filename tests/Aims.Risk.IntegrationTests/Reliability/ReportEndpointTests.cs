using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aims.Risk.Core.Risks;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Intake;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>/report of the worker process: the register as HTML, read-only, on the health port only (not the intake's).</summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed partial class ReportEndpointTests(RabbitMqFixture broker)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Report_serves_the_registers_risks_as_html_for_get_only_and_only_on_the_health_port()
    {
        // With the intake on (a port of its own), to see that the report is not answered there.
        await using var worker = await IntakeWorker.StartAsync(broker, "report");
        await worker.Process.WaitUntilAsync(r => r.StatusCode == 200, TimeSpan.FromSeconds(60));
        await using var connection = await worker.VirtualHost.ConnectAsync();
        // Six events: at least one of the shipped examples fires rules (the sixth, a monitoring alert, does).
        var batch = EventBatch.Create(6);
        await EventBatch.PublishAsync(connection, batch.Events);
        await DeliveryCheck.WaitForAllAsync(new RegisterAudit(worker.Database), batch.Count, TimeSpan.FromSeconds(30), () => worker.Process.LogTail());
        var expected = batch.Events.SelectMany(e => e.RuleIds.Select(rule => RiskIds.For(SystemOf(e), rule))).Order().ToList();
        var risky = batch.Events.First(e => e.RuleIds.Count > 0);
        var first = SystemOf(risky);
        var url = new Uri($"http://localhost:{worker.Process.HealthPort}/report");

        using var all = await Http.GetAsync(url);
        using var one = await Http.GetAsync(new Uri($"{url}?system={Uri.EscapeDataString(first)}"));
        using var none = await Http.GetAsync(new Uri($"{url}?system=no-such-system"));
        using var post = await Http.PostAsync(url, new StringContent(""));
        using var intake = await Http.GetAsync(worker.Url("/report"));
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, worker.Url("/report")) { Headers = { Host = $"localhost:{worker.Process.HealthPort}" } };
        using var spoofedAnswer = await Http.SendAsync(spoofed);

        Assert.NotEmpty(expected);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("text/html", all.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("default-src 'none'", string.Join(";", all.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(expected, RowIds(await all.Content.ReadAsStringAsync()).Order());
        Assert.Equal(
            risky.RuleIds.Select(rule => RiskIds.For(first, rule)).Order(),
            RowIds(await one.Content.ReadAsStringAsync()).Order());
        Assert.Empty(RowIds(await none.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, intake.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, spoofedAnswer.StatusCode);
        worker.Passed();
    }

    private static string SystemOf(EventBatch.ExpectedEvent e) => JsonNode.Parse(e.Body)!["system"]!["id"]!.GetValue<string>();

    private static List<Guid> RowIds(string html) => [.. RowPattern().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];

    [GeneratedRegex("<tr data-risk-id=\"([^\"]+)\"")]
    private static partial Regex RowPattern();
}

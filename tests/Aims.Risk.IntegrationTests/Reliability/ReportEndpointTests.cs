using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aims.Risk.Core.Risks;
using Aims.Risk.IntegrationTests.Broker;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>/report of the worker process: the register as HTML, read-only, on the health port only.</summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed partial class ReportEndpointTests(RabbitMqFixture broker)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Report_serves_the_registers_risks_as_html_for_get_only_and_only_on_the_health_port()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("report");
        var database = folder.File("register.db");
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={database}", folder.Path);
        await worker.WaitUntilAsync(r => r.StatusCode == 200, TimeSpan.FromSeconds(60));
        await using var connection = await virtualHost.ConnectAsync();
        // The shipped examples are clean but for the sixth (a monitoring alert): six events give risks on one system.
        var batch = EventBatch.Create(6);
        await EventBatch.PublishAsync(connection, batch.Events);
        await DeliveryCheck.WaitForAllAsync(new RegisterAudit(database), batch.Count, TimeSpan.FromSeconds(30), () => worker.LogTail());
        var expected = batch.Events.SelectMany(e => e.RuleIds.Select(rule => RiskIds.For(SystemOf(e), rule))).Order().ToList();
        var risky = batch.Events.First(e => e.RuleIds.Count > 0);
        var first = SystemOf(risky);
        var url = new Uri($"http://localhost:{worker.HealthPort}/report");

        using var all = await Http.GetAsync(url);
        using var one = await Http.GetAsync(new Uri($"{url}?system={Uri.EscapeDataString(first)}"));
        using var none = await Http.GetAsync(new Uri($"{url}?system={Uri.EscapeDataString(SystemOf(batch.Events[0]))}"));
        using var post = await Http.PostAsync(url, new StringContent(""));
        using var otherHost = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Host = "localhost:1" } };
        using var elsewhere = await Http.SendAsync(otherHost);

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
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        folder.Keep = false;
    }

    private static string SystemOf(EventBatch.ExpectedEvent e) => JsonNode.Parse(e.Body)!["system"]!["id"]!.GetValue<string>();

    private static List<Guid> RowIds(string html) => [.. RowPattern().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];

    [GeneratedRegex("<tr data-risk-id=\"([^\"]+)\"")]
    private static partial Regex RowPattern();
}

using System.Diagnostics;
using System.Globalization;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Worker;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// A worker that cannot start, as an operator meets it: the process exits non-zero and its last line names the cause
/// (the setting's key, or what the broker said); a bad setting prints no stack trace at all.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class StartupFailureTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    public static TheoryData<string, string, string, bool> Failures() => new()
    {
        { "Worker__PrefetchCount", "0", "aims-risk worker stopped: invalid setting: DataAnnotation validation failed for 'RiskWorkerOptions' members: 'PrefetchCount' with the error: 'Worker:PrefetchCount must be from 1 to 10000'.", true },
        { "Rules__Path", "/nonexistent/rules", "aims-risk worker stopped: invalid setting: Rules:Path must name an existing rule set folder", true },
        { "Logging__Format", "xml", "aims-risk worker stopped: Logging:Format must be json or text, not 'xml'", true },
        { "Storage__Provider", "Oracle", "aims-risk worker stopped: Failed to convert configuration value 'Oracle' at 'Storage:Provider'", true },
        { "RabbitMq__Password", "not-the-password", "aims-risk worker stopped: RabbitMQ refused the login (ACCESS_REFUSED): check RabbitMq:Username and RabbitMq:Password", false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_worker_that_cannot_start_exits_non_zero_with_one_line_naming_the_cause(string key, string value, string expected, bool noStackTrace)
    {
        using var folder = new TempFolder("startup");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.Path,
        };
        start.ArgumentList.Add(WorkerProcess.WorkerDll);
        start.Environment["RabbitMq__Host"] = broker.Host;
        start.Environment["RabbitMq__Port"] = broker.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["RabbitMq__Username"] = broker.Username;
        start.Environment["RabbitMq__Password"] = broker.Password;
        start.Environment["RabbitMq__VirtualHost"] = broker.VirtualHost;
        start.Environment["ConnectionStrings__RiskRegister"] = $"Data Source={folder.File("register.db")}";
        start.Environment["Rules__Path"] = Repository.Rules;
        start.Environment["Rules__Watch"] = "false";
        start.Environment["Health__Port"] = WorkerProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var lines = ((await stdout) + (await stderr)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        output.WriteLine($"exit {process.ExitCode}, {lines.Length} lines, last: {lines.LastOrDefault()}");

        Assert.Equal(1, process.ExitCode);
        Assert.StartsWith(expected, lines[^1], StringComparison.Ordinal);
        Assert.Contains(key.Replace("__", ":", StringComparison.Ordinal).Split(':')[0], lines[^1], StringComparison.Ordinal);
        if (noStackTrace)
        {
            Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        }

        folder.Keep = false;
    }

    /// <summary>
    /// No broker listens where the worker looks: it waits for one (the bus retries), and meanwhile its health endpoints
    /// answer: live, and not ready with the broker's reason. Before, the HTTP server started only once the bus had.
    /// </summary>
    [Fact]
    public async Task While_no_broker_answers_at_start_the_worker_is_live_and_says_why_it_is_not_ready()
    {
        using var folder = new TempFolder("no-broker");
        var port = WorkerProcess.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.Path,
        };
        start.ArgumentList.Add(WorkerProcess.WorkerDll);
        start.Environment["RabbitMq__Host"] = "localhost";
        start.Environment["RabbitMq__Port"] = WorkerProcess.FreePort().ToString(CultureInfo.InvariantCulture); // nothing listens there
        start.Environment["ConnectionStrings__RiskRegister"] = $"Data Source={folder.File("register.db")}";
        start.Environment["Rules__Path"] = Repository.Rules;
        start.Environment["Rules__Watch"] = "false";
        start.Environment["Health__Port"] = port.ToString(CultureInfo.InvariantCulture);

        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var until = Stopwatch.StartNew();
            HttpResponseMessage? live = null;
            while (live?.IsSuccessStatusCode != true)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the worker exited ({process.ExitCode}) instead of waiting for the broker");
                }

                Assert.True(until.Elapsed < TimeSpan.FromSeconds(60), "/health/live did not answer within 60 s while the broker was unreachable");
                await Task.Delay(250);
                try
                {
                    live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var body = await ready.Content.ReadAsStringAsync();
            output.WriteLine($"/health/ready {(int)ready.StatusCode}: {body}");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("Broker unreachable", body, StringComparison.Ordinal);
            Assert.False(process.HasExited, "the worker stopped waiting for the broker");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        folder.Keep = false;
    }
}

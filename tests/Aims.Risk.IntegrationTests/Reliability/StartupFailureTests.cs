using System.Diagnostics;
using System.Globalization;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.TestSupport;
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
        { "RabbitMq__Password", "not-the-password", "aims-risk worker stopped: RabbitMQ refused the login (ACCESS_REFUSED): check RabbitMq:Username and RabbitMq:Password", true },
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
        start.Environment["Rules__Path"] = RepositoryRoot.Rules;
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
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.TestSupport;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// One replica of the built worker (<c>dotnet Aims.Risk.Worker.dll</c>) in its own OS process, configured by
/// environment variables as a deployment would be, with its output appended to a log file. Kill is SIGKILL.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Dictionary<string, string> _environment;
    private Process? _process;

    private WorkerProcess(string name, Dictionary<string, string> environment, string logFile, int healthPort)
    {
        Name = name;
        _environment = environment;
        LogFile = logFile;
        HealthPort = healthPort;
    }

    public string Name { get; }

    public string LogFile { get; }

    public int HealthPort { get; }

    public int Starts { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The worker's build output, of the same configuration as this test assembly.</summary>
    public static string WorkerDll { get; } = Path.Combine(
        RepositoryRoot.Path, "src", "Aims.Risk.Worker", "bin",
        typeof(WorkerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release",
        "net10.0", "Aims.Risk.Worker.dll");

    /// <summary>Starts a replica on <paramref name="virtualHost"/> and the SQLite file <paramref name="database"/>.</summary>
    public static async Task<WorkerProcess> StartAsync(
        string name,
        RabbitMqFixture broker,
        VirtualHost virtualHost,
        string connectionString,
        string logFolder,
        IDictionary<string, string>? settings = null,
        bool untilReady = true)
    {
        if (!File.Exists(WorkerDll))
        {
            throw new FileNotFoundException($"the worker is not built: {WorkerDll} (tests/run.sh builds the whole solution)");
        }

        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["RabbitMq__Host"] = broker.Host,
            ["RabbitMq__Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["RabbitMq__VirtualHost"] = virtualHost.Name,
            ["RabbitMq__Username"] = broker.Username,
            ["RabbitMq__Password"] = broker.Password,
            ["ConnectionStrings__RiskRegister"] = connectionString,
            ["Rules__Path"] = RepositoryRoot.Rules,
            ["Rules__Watch"] = "false",
            ["Health__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Health__Address"] = "localhost",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var worker = new WorkerProcess(name, environment, Path.Combine(logFolder, $"{name}.log"), port);
        if (untilReady)
        {
            await worker.StartAsync();
        }
        else
        {
            worker.Launch();
        }

        return worker;
    }

    /// <summary>Starts the process (again, after a kill) and waits until /health/ready says Healthy.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        Launch();
        await WaitUntilAsync(r => r.Status == "Healthy", timeout ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts the process without waiting for anything.</summary>
    public void Launch()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(LogFile)!,
        };
        start.ArgumentList.Add(WorkerDll);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(LogFile, append: true) { AutoFlush = true };
        log.WriteLine($"--- start {Starts + 1} of {Name} at {DateTime.UtcNow:O}");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                log.WriteLine(line);
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) =>
        {
            lock (gate)
            {
                log.WriteLine($"--- {Name} exited at {DateTime.UtcNow:O}");
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;
    }

    /// <summary>SIGTERM, as a supervisor stops it; returns the exit code once the process has ended.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} was not started");
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(timeout);

        // Without a timeout, WaitForExit also waits for the redirected output to be read to its end.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>GET /health/live: the HTTP status code, or null while nothing answers on the port.</summary>
    public async Task<int?> LiveAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://localhost:{HealthPort}/health/live"));
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>kill -9: no shutdown, no acknowledgement, no flush.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>GET /health/ready: the HTTP status code and the report.</summary>
    public async Task<HealthResponse?> ReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://localhost:{HealthPort}/health/ready"));
            var body = await response.Content.ReadAsStringAsync();
            return new HealthResponse((int)response.StatusCode, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<HealthResponse> WaitUntilAsync(Func<HealthResponse, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        HealthResponse? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true } exited)
            {
                // Without a timeout, WaitForExit also waits for the redirected output to be read to its end: the last
                // line (the reason a worker stops) is in the log before it is quoted.
                exited.WaitForExit();
                throw new InvalidOperationException($"{Name} exited with {exited.ExitCode}; log: {LogTail()}");
            }

            last = await ReadyAsync() ?? last;
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name}: /health/ready did not reach the expected state within {timeout}; last: {last?.Body ?? "no answer"}; log: {LogTail()}");
    }

    /// <summary>
    /// Waits for <paramref name="text"/> in the log: the worker's console logger writes on its own thread and
    /// the line is piped to the file after the state it reports is already visible on /health/ready.
    /// </summary>
    public async Task<bool> LogContainsAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!LogTail(int.MaxValue).Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    public string LogTail(int characters = 4000)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            return text.Length <= characters ? text : text[^characters..];
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            // SIGTERM first: the host stops the bus and acknowledges what it finished.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
            }
        }

        _process?.Dispose();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>What /health/ready answered.</summary>
    public sealed record HealthResponse(int StatusCode, string Body)
    {
        public string Status => Json().RootElement.GetProperty("status").GetString()!;

        public string CheckStatus(string check) => Json().RootElement.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;

        public string CheckDescription(string check) => Json().RootElement.GetProperty("checks").GetProperty(check).GetProperty("description").GetString() ?? "";

        private JsonDocument Json() => JsonDocument.Parse(Body);
    }
}

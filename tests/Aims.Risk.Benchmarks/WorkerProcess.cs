using System.Diagnostics;
using System.Globalization;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Benchmarks;

/// <summary>The worker as operators run it: <c>dotnet Aims.Risk.Worker.dll</c>, configured by environment variables, output to a file.</summary>
public sealed class WorkerProcess
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(string workerDll, string workDirectory, string database, string vhost, string logName)
    {
        // exec keeps the pid: the measured process is the worker itself, and its output goes straight to the file.
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "exec dotnet \"$0\" >\"$1\" 2>&1", Path.GetFullPath(workerDll), Path.Combine(workDirectory, logName) },
            WorkingDirectory = workDirectory,
            UseShellExecute = false,
        };
        var env = start.Environment;
        env["DOTNET_ENVIRONMENT"] = "Production";
        env["RabbitMq__Host"] = "127.0.0.1";
        env["RabbitMq__VirtualHost"] = vhost;
        env["ConnectionStrings__RiskRegister"] = $"Data Source={database}";
        env["Rules__Path"] = Workload.RulesPath;
        env["Rules__Watch"] = "false";
        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("the worker did not start"));
    }

    /// <summary>VmHWM of /proc/&lt;pid&gt;/status: the most resident memory the process ever had.</summary>
    public double PeakRssMegabytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        return kilobytes / 1024.0;
    }

    /// <summary>SIGTERM, as an orchestrator stops it; killed if it has not stopped within a minute.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using Aims.Risk.IntegrationTests.Broker;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// The broker on this machine, controlled with <c>rabbitmqctl</c>: private virtual hosts and restarts. Only where
/// the tests use the local default broker (not one named by the AIMS_RISK_TEST_RABBITMQ_* variables elsewhere, not
/// a Testcontainers broker) and rabbitmqctl answers (it needs root or the rabbitmq user's Erlang cookie).
/// </summary>
public static class LocalBroker
{
    private static readonly Lazy<string?> Unavailable = new(FindReason);

    /// <summary>Null when the tests control the broker; otherwise why not.</summary>
    public static string? SkipReason => Unavailable.Value;

    public static bool IsControllable => SkipReason is null;

    /// <summary>Runs rabbitmqctl; throws with its output when it fails.</summary>
    public static async Task<string> CtlAsync(params string[] arguments)
    {
        var (code, output) = await RunAsync(Ctl(), arguments, TimeSpan.FromMinutes(2));
        return code == 0 ? output : throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} exited with {code}: {output}");
    }

    /// <summary>
    /// Stops the broker's application for <paramref name="downtime"/> and starts it again, waiting until it accepts
    /// AMQP connections. The start runs whatever happened, so the broker is left up for the tests that follow.
    /// </summary>
    public static async Task RestartAsync(RabbitMqFixture broker, TimeSpan downtime)
    {
        try
        {
            await CtlAsync("-q", "stop_app");
            await Task.Delay(downtime);
        }
        finally
        {
            await EnsureUpAsync(broker);
        }
    }

    public static async Task EnsureUpAsync(RabbitMqFixture broker)
    {
        await CtlAsync("-q", "start_app");
        await CtlAsync("-q", "await_startup", "--timeout", "120");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                await using var connection = await broker.CreateConnectionAsync();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private static string Ctl() =>
        new[] { "/usr/sbin/rabbitmqctl", "/usr/lib/rabbitmq/bin/rabbitmqctl", "/usr/local/sbin/rabbitmqctl" }.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, "rabbitmqctl")).FirstOrDefault(File.Exists)
        ?? "rabbitmqctl";

    private static string? FindReason()
    {
        var host = Environment.GetEnvironmentVariable(RabbitMqFixture.HostVariable);
        var port = Environment.GetEnvironmentVariable(RabbitMqFixture.PortVariable);
        if (host is { Length: > 0 } && host is not ("localhost" or "127.0.0.1" or "::1"))
        {
            return $"the broker is remote ({RabbitMqFixture.HostVariable}={host}): the tests cannot control it";
        }

        if (port is { Length: > 0 } && port != "5672")
        {
            return $"the broker is not the local default one ({RabbitMqFixture.PortVariable}={port}): the tests cannot control it";
        }

        if (!LocalPortAccepts())
        {
            return "no broker listens on localhost:5672 (a Testcontainers broker, if any, is not controlled by rabbitmqctl here)";
        }

        try
        {
            var (code, output) = RunAsync(Ctl(), ["-q", "await_startup", "--timeout", "10"], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            return code == 0 ? null : $"rabbitmqctl cannot control the local broker (exit {code}: {output.Trim()}); it needs root or the rabbitmq user";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"rabbitmqctl is not installed here ({e.Message})";
        }
    }

    private static bool LocalPortAccepts()
    {
        using var client = new TcpClient();
        try
        {
            return client.ConnectAsync("localhost", 5672).Wait(TimeSpan.FromSeconds(3));
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

using Aims.Risk.Core.Consumers;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker;

/// <summary>The one line the worker prints when it stops for good: what stopped it, in words an operator can act on.</summary>
public static class StopReason
{
    private const string Prefix = "aims-risk worker stopped: ";

    /// <summary>The line of a stop asked for (SIGTERM, Ctrl+C) before the worker had started.</summary>
    public const string StoppedWhileStarting = Prefix + "asked to stop (SIGTERM or Ctrl+C) while it was starting";

    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var cause = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        var reason = cause switch
        {
            OptionsValidationException options => $"invalid setting: {string.Join("; ", options.Failures)}",
            _ when BrokerFault.IsAccessRefused(cause) => BrokerFault.AccessRefused,
            _ => string.Join(": ", Chain(cause).Select(e => e.Message).Distinct()) + $" ({cause.GetType().Name})",
        };
        return Prefix + OneLine(reason);
    }

    /// <summary>
    /// The host's background services, taken before it runs: once it has run, its service provider is disposed and
    /// can no longer be asked for them.
    /// </summary>
    public static IReadOnlyList<BackgroundService> BackgroundServices(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return [.. services.GetServices<IHostedService>().OfType<BackgroundService>()];
    }

    /// <summary>A background service that failed and so stopped the host, or null when none did.</summary>
    public static string? FailedService(IEnumerable<BackgroundService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var failed = services.FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true });
        return failed?.ExecuteTask?.Exception is { } exception
            ? Prefix + OneLine($"{failed.GetType().Name} failed: {exception.InnerExceptions[0].Message} ({exception.InnerExceptions[0].GetType().Name})")
            : null;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

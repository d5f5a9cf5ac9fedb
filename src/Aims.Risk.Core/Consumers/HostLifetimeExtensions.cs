using Microsoft.Extensions.Hosting;

namespace Aims.Risk.Core.Consumers;

public static class HostLifetimeExtensions
{
    /// <summary>
    /// Completes once the host has started: in the worker that is after the bus (<see cref="BusStarter"/>), so a service
    /// that publishes waits for it before its first publish.
    /// </summary>
    public static async Task WaitUntilStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(cancellationToken);
        }
    }
}

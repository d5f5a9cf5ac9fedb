using MassTransit;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Where the bus's start stands, for the <c>broker</c> health check while the worker waits for the broker: not started
/// yet and why (the latest connection fault, from the outbound declaration or a receive endpoint), started, or failed
/// for good. Services that publish wait for <see cref="WaitUntilStartedAsync"/> (or for the host's
/// <c>ApplicationStarted</c>, which <see cref="BusStarter"/> holds back until the bus has started).
/// </summary>
public sealed class BusStartup : IReceiveEndpointObserver
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fault;
    private Exception? _failed;

    public bool IsStarted => _started.Task.IsCompletedSuccessfully;

    /// <summary>The latest connection fault before the bus started; null once it has, or before any.</summary>
    public Exception? Fault => IsStarted ? null : Volatile.Read(ref _fault);

    /// <summary>Why the bus will not start, once its start failed for good (the process then stops).</summary>
    public Exception? Failure => Volatile.Read(ref _failed);

    public Task WaitUntilStartedAsync(CancellationToken cancellationToken) => _started.Task.WaitAsync(cancellationToken);

    public void Faulted(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!IsStarted)
        {
            Volatile.Write(ref _fault, exception);
        }
    }

    public void Started() => _started.TrySetResult();

    public void Failed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Volatile.Write(ref _failed, exception);
        _started.TrySetException(exception);
    }

    Task IReceiveEndpointObserver.Ready(ReceiveEndpointReady ready) => Task.CompletedTask;

    Task IReceiveEndpointObserver.Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    Task IReceiveEndpointObserver.Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    Task IReceiveEndpointObserver.Faulted(ReceiveEndpointFaulted faulted)
    {
        ArgumentNullException.ThrowIfNull(faulted);
        if (faulted.Exception is { } exception)
        {
            Faulted(exception);
        }

        return Task.CompletedTask;
    }
}

namespace Aims.Risk.Core.Consumers;

/// <summary>Wakes the outbox relay at once after this process wrote to the outbox, instead of at its next interval.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already raised: the relay will read the outbox once for both.
        }
    }

    public void Dispose() => _signal.Dispose();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _ = await _signal.WaitAsync(timeout, cancellationToken);
}

using Microsoft.Extensions.Logging;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// How the consumer's writes to the register are going, for the store health check. A read-only ping cannot
/// see a store that answers but refuses writes (a SQLite file locked by another process, a read-only volume,
/// a missing table), so the writes report here. A change of state is logged once, not once per message.
/// </summary>
public sealed partial class StoreWriteMonitor(TimeProvider clock, ILogger<StoreWriteMonitor> logger)
{
    private readonly Lock _gate = new();
    private volatile StoreWriteFailure? _failure;

    /// <summary>Null while the latest write succeeded (or none was tried).</summary>
    public StoreWriteFailure? Failure => _failure;

    public void Succeeded()
    {
        if (_failure is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_failure is { } failure)
            {
                _failure = null;
                LogRecovered(failure.Since);
            }
        }
    }

    public void Failed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var transient = TransientSqlErrors.IsTransient(exception);
        lock (_gate)
        {
            var previous = _failure;
            _failure = new StoreWriteFailure(previous?.Since ?? clock.GetUtcNow(), transient, exception.Message);
            if (previous?.IsTransient == transient)
            {
                return;
            }

            if (transient)
            {
                LogTransient(exception);
            }
            else
            {
                LogPermanent(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writes to the risk register fail for a transient reason; messages wait and are retried")]
    private partial void LogTransient(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writes to the risk register fail and retrying will not help; the store health check is Unhealthy until a write succeeds")]
    private partial void LogPermanent(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Writes to the risk register succeed again (failing since {Since})")]
    private partial void LogRecovered(DateTimeOffset since);
}

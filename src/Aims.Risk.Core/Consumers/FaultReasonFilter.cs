using System.Data.Common;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Storage;
using MassTransit;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Turns a fault that no retry can fix into a reason for people before MassTransit moves the message to the error
/// queue. It runs inside the retries: transient store and broker faults pass unchanged so that the retries see them
/// (and, once exhausted, reach the error queue with a reason <see cref="ErrorQueueFilter"/> builds from their kind). Refusals of bad input
/// (<see cref="InvalidEventException"/>, <see cref="EventConflictException"/>) already say what is wrong and pass
/// unchanged; so does a cancellation by the worker stopping, which returns the message to the queue.
/// </summary>
public sealed partial class FaultReasonFilter(ILogger<FaultReasonFilter> logger) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next.Send(context);
        }
        catch (Exception ex) when (ex is not (InvalidEventException or EventConflictException or UnprocessableEventException)
                                   && !TransientSqlErrors.IsTransient(ex) && !TransientBrokerErrors.IsTransient(ex)
                                   && !context.CancellationToken.IsCancellationRequested)
        {
            var reason = Reason(ex);
            LogUnprocessable(ex, context.MessageId, reason);
            throw new UnprocessableEventException(reason);
        }
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("faultReason");

    /// <summary>What the error queue's reason says for a fault a retry cannot fix: what failed, in the store's words where they are safe.</summary>
    public static string Reason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            DbException => $"the risk register refused the write ({Store(exception)}); not retried, as retrying cannot fix it",
            _ => $"the worker could not process this event (an internal {exception.GetType().Name} while assessing it); not retried, as retrying cannot fix it; the worker's log has the details",
        };
    }

    /// <summary>The store's own words where they name no host or path: SQLite's result text, SQL Server's error number.</summary>
    internal static string Store(Exception exception) => exception switch
    {
        SqliteException sqlite => $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message.Split('\'', 3) switch { [_, var text, _] => text, _ => "see the worker's log" }}",
        SqlException sql => $"SQL Server error {sql.Number}",
        _ => exception.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} could not be processed and goes to the error queue without retries: {Reason}")]
    private partial void LogUnprocessable(Exception exception, Guid? messageId, string reason);
}

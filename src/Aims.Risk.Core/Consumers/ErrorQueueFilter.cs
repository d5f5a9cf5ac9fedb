using System.Data.Common;
using System.Reflection;
using System.Text.Json;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using MassTransit;
using MassTransit.Context;
using Microsoft.Extensions.Logging;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// The error pipe of every receive endpoint: moves a message that failed to its <c>_error</c> queue with headers that
/// say what operators need (the reason for people, when, from which queue, after how many retries) and nothing that
/// would leave the machine otherwise: no stack trace, no exception type, no consumer type, and none of MassTransit's
/// <c>MT-Host-*</c> headers (machine name, process name and id, assembly, runtime and operating system versions).
/// No <c>Fault</c> message is generated, so an envelope's <c>faultAddress</c> or <c>responseAddress</c> (attacker
/// input) never makes the worker declare or send anything.
/// </summary>
/// <remarks>
/// MassTransit's RabbitMQ error transport writes the <c>MT-Host-*</c> headers first and then copies
/// <see cref="ExceptionReceiveContext.ExceptionHeaders"/> over them, removing each header whose copied value is null.
/// The context this filter passes on therefore lists every host header with a null value, and of MassTransit's
/// exception headers only those allowed here.
/// </remarks>
public sealed partial class ErrorQueueFilter(ILogger logger) : IFilter<ExceptionReceiveContext>
{
    /// <summary>The exception headers an error-queued message keeps; the reason is replaced by <see cref="Reason"/>.</summary>
    public static readonly IReadOnlyList<string> KeptHeaders =
    [
        MessageHeaders.Reason, MessageHeaders.FaultMessage, MessageHeaders.FaultTimestamp, MessageHeaders.FaultInputAddress, MessageHeaders.FaultRetryCount,
    ];

    /// <summary>Every <c>MT-Host-*</c> header MassTransit knows, read from its own list so that a new one is removed too.</summary>
    public static readonly IReadOnlyList<string> HostHeaders = typeof(MessageHeaders.Host)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    /// <summary>Makes this filter, followed by MassTransit's move to the error queue, the endpoint's whole error pipe.</summary>
    public static void Configure(IReceiveEndpointConfigurator endpoint, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.ConfigureError(x =>
        {
            x.UseFilter(new ErrorQueueFilter(logger));
            x.UseFilter(new MassTransit.Middleware.ErrorTransportFilter());
        });
    }

    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var reason = Reason(context.Exception);
        if (!IsWrittenForPeople(context.Exception))
        {
            LogMoved(logger, context.Exception, context.GetMessageId(), context.InputAddress, reason);
        }

        await next.Send(new MovedContext(context, Headers(context.ExceptionHeaders, reason)));
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("errorQueue");

    /// <summary>
    /// The error queue's reason: the message of an exception written for the error queue's readers (a refusal of bad
    /// input, a conflict, a fault no retry can fix); for anything else what failed, from the exception's kind and
    /// structured fields only, never its message (it may name a host, a path or the code).
    /// </summary>
    public static string Reason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (Chain(exception).FirstOrDefault(IsWrittenForPeople) is { } forPeople)
        {
            return forPeople.Message;
        }

        return Chain(exception).FirstOrDefault(e => e is DbException or JsonException) switch
        {
            DbException db => $"the risk register refused the write ({FaultReasonFilter.Store(db)}) on every attempt",
            JsonException { LineNumber: { } line, BytePositionInLine: { } position } => $"the body is not valid JSON (line {line + 1}, byte {position + 1})",
            JsonException => "the body could not be read as the JSON the queue takes",
            _ when TransientBrokerErrors.IsTransient(exception) => "the broker did not take the messages this one leads to on any attempt; the worker's log has the details",
            _ => $"the worker could not process this message (an internal {exception.GetBaseException().GetType().Name}); the worker's log has the details",
        };
    }

    /// <summary>The headers the error queue's copy gets: the kept ones (the reason replaced), and a null for every other one, which removes it.</summary>
    private static MovedHeaders Headers(Headers original, string reason)
    {
        var headers = new MovedHeaders();
        foreach (var header in original)
        {
            headers.Set(header.Key, KeptHeaders.Contains(header.Key, StringComparer.OrdinalIgnoreCase) ? header.Value : null);
        }

        foreach (var host in HostHeaders)
        {
            headers.Set(host, null);
        }

        headers.Set(MessageHeaders.FaultMessage, reason);
        return headers;
    }

    private static bool IsWrittenForPeople(Exception exception) =>
        exception is InvalidEventException or EventConflictException or UnprocessableEventException
            or RiskNotFoundException or RiskUpdateRefusedException or RiskConcurrencyException;

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }

                yield break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} from {InputAddress} goes to the error queue: {Reason}")]
    private static partial void LogMoved(ILogger logger, Exception exception, Guid? messageId, Uri inputAddress, string reason);

    /// <summary>The failed message as the error transport sees it: the same message, with the headers above.</summary>
    private sealed class MovedContext(ExceptionReceiveContext context, SendHeaders headers) : ReceiveContextProxy(context), ExceptionReceiveContext
    {
        public Exception Exception => context.Exception;

        public DateTime ExceptionTimestamp => context.ExceptionTimestamp;

        public ExceptionInfo ExceptionInfo => context.ExceptionInfo;

        public SendHeaders ExceptionHeaders => headers;
    }

    /// <summary>Headers that keep a null value (MassTransit's own collection drops it), so that the copy removes the header.</summary>
    private sealed class MovedHeaders : SendHeaders
    {
        private readonly Dictionary<string, object?> _values = new(StringComparer.OrdinalIgnoreCase);

        public void Set(string key, string? value) => _values[key] = value;

        public void Set(string key, object? value, bool overwrite = true)
        {
            if (overwrite || !_values.ContainsKey(key))
            {
                _values[key] = value;
            }
        }

        public IEnumerable<KeyValuePair<string, object>> GetAll() => _values.Where(v => v.Value is not null).Select(v => KeyValuePair.Create(v.Key, v.Value!));

        public bool TryGetHeader(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? value) =>
            _values.TryGetValue(key, out value) && value is not null;

        public T? Get<T>(string key, T? defaultValue = null)
            where T : class => TryGetHeader(key, out var value) && value is T typed ? typed : defaultValue;

        public T? Get<T>(string key, T? defaultValue = null)
            where T : struct => TryGetHeader(key, out var value) && value is T typed ? typed : defaultValue;

        public IEnumerator<HeaderValue> GetEnumerator() => _values.Select(v => new HeaderValue(v.Key, v.Value!)).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

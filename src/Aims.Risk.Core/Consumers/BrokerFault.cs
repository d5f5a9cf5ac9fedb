using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Aims.Risk.Core.Consumers;

/// <summary>What a failed connection to the broker means, in the words the health check and the last line use.</summary>
public static class BrokerFault
{
    public const string AccessRefused =
        "RabbitMQ refused the login (ACCESS_REFUSED): check RabbitMq:Username and RabbitMq:Password, and the user's rights on RabbitMq:VirtualHost";

    /// <summary>The broker answered and refused the credentials: retrying with the same ones cannot succeed.</summary>
    public static bool IsAccessRefused(Exception exception) =>
        Chain(exception).Any(e => e is AuthenticationFailureException || e.Message.Contains("ACCESS_REFUSED", StringComparison.Ordinal));

    /// <summary>
    /// <c>broker unreachable at guest@localhost:5672/: Connection refused</c>: where the worker looked, and the innermost
    /// cause (the socket's or the broker's words), not the wrappers' "None of the specified endpoints were reachable";
    /// or <see cref="AccessRefused"/>.
    /// </summary>
    public static string Describe(Exception exception, RabbitMqOptions options)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(options);
        if (IsAccessRefused(exception))
        {
            return AccessRefused;
        }

        var vhost = options.VirtualHost.StartsWith('/') ? options.VirtualHost : "/" + options.VirtualHost;
        var broker = $"{options.Username}@{options.Host}:{options.Port}{vhost}";

        // The broker answered and closed the channel or connection (a declaration it refused, a virtual host it does not
        // have): its own words, not "unreachable".
        if (Chain(exception).OfType<OperationInterruptedException>().FirstOrDefault(e => e.ShutdownReason?.Initiator == ShutdownInitiator.Peer) is { } refused)
        {
            return $"the broker at {broker} refused: {OneLine(refused.ShutdownReason!.ReplyText)} ({refused.ShutdownReason.ReplyCode})";
        }

        return $"broker unreachable at {broker}: {OneLine(Chain(exception).Last().Message)}";
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : current.InnerException)
        {
            yield return current;
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

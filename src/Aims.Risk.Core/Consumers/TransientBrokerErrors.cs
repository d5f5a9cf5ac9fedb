using MassTransit;
using RabbitMQ.Client.Exceptions;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Which failures of a message are the broker's and may pass: the connection or channel closed under a publish, the
/// broker unreachable for a moment, a publish not confirmed in time (<see cref="RiskWorkerOptions.PublishTimeout"/>).
/// The whole chain of inner exceptions is searched, as MassTransit wraps the client's errors.
/// </summary>
public static class TransientBrokerErrors
{
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsTransient);
                case OperationCanceledException:
                case ConsumerCanceledException: // MassTransit's wrapper of the publish timeout's cancellation
                case ConnectionException:
                case TransportUnavailableException:
                case MessageNotAcknowledgedException:
                case AlreadyClosedException:
                case OperationInterruptedException:
                case BrokerUnreachableException:
                case ConnectFailureException:
                    return true;
            }
        }

        return false;
    }
}

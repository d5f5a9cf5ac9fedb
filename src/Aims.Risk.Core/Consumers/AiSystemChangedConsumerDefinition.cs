using Aims.Risk.Core.Storage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>Retry, concurrency and outbox of the consumer: the consumer itself stays thin.</summary>
public sealed class AiSystemChangedConsumerDefinition : ConsumerDefinition<AiSystemChangedConsumer>
{
    private readonly RiskWorkerOptions _options;

    public AiSystemChangedConsumerDefinition(IOptions<RiskWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AiSystemChangedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);

        // A fault no retry can fix goes to the error queue with a reason for people (MassTransit places this filter
        // inside the retries below, which are per message type).
        endpointConfigurator.UseFilter(new FaultReasonFilter(context.GetRequiredService<ILogger<FaultReasonFilter>>()));

        // The store briefly away (locked, busy, failing over) outlasts the SQL pipeline's few seconds of attempts:
        // such a message waits here, retried at a steady pace for minutes, and holds its concurrency slot, so the
        // replica stops taking new messages until the store is back. An outage within that budget error-queues nothing.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<Exception>(TransientSqlErrors.IsTransient);
            r.Interval(_options.StoreRetryLimit, _options.StoreRetryInterval);
        });

        // The broker briefly away while the tasks are published: retried in memory with back-off (the broker here has
        // no delayed-message plugin). Nothing else is retried: bad input, a reused eventId, a permanent store fault or
        // an error in evaluation fails the same way every time, so it goes to the error queue at once and frees its
        // slot. See docs/decisions/0005-store-outage-retry.md.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<Exception>(e => TransientBrokerErrors.IsTransient(e) && !TransientSqlErrors.IsTransient(e));
            r.Exponential(_options.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        });

        // Tasks are published only after the register's transaction committed and the consumer returned.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}

using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Reassessment;

/// <summary>Its own, small concurrency, so re-assessing the register never starves new change events; store outages are waited out.</summary>
public sealed class ReassessSystemConsumerDefinition : ConsumerDefinition<ReassessSystemConsumer>
{
    private readonly RiskWorkerOptions _worker;

    public ReassessSystemConsumerDefinition(IOptions<RiskWorkerOptions> worker, IOptions<ReassessmentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(options);
        _worker = worker.Value;
        ConcurrentMessageLimit = options.Value.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ReassessSystemConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<Exception>(TransientSqlErrors.IsTransient);
            r.Interval(_worker.StoreRetryLimit, _worker.StoreRetryInterval);
        });
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<Exception>(TransientSqlErrors.IsTransient);
            r.Exponential(_worker.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        });

        // Tasks and status events leave only once the consumer returned, i.e. after the register's transaction committed.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}

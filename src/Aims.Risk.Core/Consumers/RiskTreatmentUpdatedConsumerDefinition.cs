using Aims.Risk.Core.Events;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>Retries of the update consumer: the store's outages are waited out; a bad update is final.</summary>
public sealed class RiskTreatmentUpdatedConsumerDefinition : ConsumerDefinition<RiskTreatmentUpdatedConsumer>
{
    private readonly RiskWorkerOptions _options;

    public RiskTreatmentUpdatedConsumerDefinition(IOptions<RiskWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        ConcurrentMessageLimit = 8;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RiskTreatmentUpdatedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<Exception>(TransientSqlErrors.IsTransient);
            r.Interval(_options.StoreRetryLimit, _options.StoreRetryInterval);
        });
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<InvalidEventException>();
            r.Ignore<RiskNotFoundException>();
            r.Ignore<RiskUpdateRefusedException>();
            r.Ignore<Exception>(TransientSqlErrors.IsTransient);
            r.Exponential(_options.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        });
    }
}

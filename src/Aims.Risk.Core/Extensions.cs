using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Observability;
using Aims.Risk.Core.Reassessment;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core;

public static class Extensions
{
    /// <summary>The tag of the health checks that make the worker ready: broker, store and rule set.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Everything the worker is: options validated at start, the register, the rule set with hot reload, the
    /// evaluator, and the MassTransit bus on RabbitMQ with the consumer on <c>aims.risk.ai-system-changes</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRiskAssessment(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        builder.AddRiskRegister();
        builder.AddRiskRules();

        services.AddOptions<RiskWorkerOptions>().BindConfiguration(RiskWorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RiskLifecycleOptions>().BindConfiguration(RiskLifecycleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChangeAssessor>();
        services.AddSingleton<OutboxSignal>();
        services.AddHostedService<OutboxRelay>();
        services.AddHostedService<RiskSweepService>();
        // The bus starts once these exchanges are declared (BusStarter).
        services.AddSingleton<BusStartup>();
        services.AddSingleton<OutboundTopology>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboundTopology>());
        services.AddSingleton<PublishWatchdog>();
        services.AddHostedService(sp => sp.GetRequiredService<PublishWatchdog>());
        services.AddOptions<ReassessmentOptions>().BindConfiguration(ReassessmentOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Reassessor>();
        services.AddSingleton<ReassessmentMetrics>();
        services.AddHostedService<ReassessmentDispatcher>();
        services.AddRiskMessaging();
        services.AddHealthChecks()
            .AddCheck<RiskRegisterHealthCheck>("store", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(10))
            .AddCheck<RuleSetHealthCheck>("rules", tags: [ReadyTag])
            .AddCheck<ReassessmentHealthCheck>("reassessment", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>The rule set, its hot reload, the evaluator and the metrics (no messaging).</summary>
    public static IHostApplicationBuilder AddRiskRules(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RulesOptions>().BindConfiguration(RulesOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => Directory.Exists(o.Path), $"{RulesOptions.SectionName}:{nameof(RulesOptions.Path)} must name an existing rule set folder")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<RiskMetrics>();
        services.TryAddSingleton<RiskEvaluator>();
        services.TryAddSingleton(sp =>
        {
            var provider = ActivatorUtilities.CreateInstance<RuleSetProvider>(sp);
            provider.Activated += sp.GetRequiredService<RiskMetrics>().RuleSetActivated;
            return provider;
        });
        services.AddHostedService<RuleSetWatcher>();
        return builder;
    }

    private static void AddRiskMessaging(this IServiceCollection services)
    {
        services.Configure<MassTransitHostOptions>(o =>
        {
            // Without it the first messages published right after start are dropped as unroutable.
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromMinutes(2);
            o.StopTimeout = TimeSpan.FromSeconds(60);
            o.ConsumerStopTimeout = TimeSpan.FromSeconds(30);
        });

        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<AiSystemChangedConsumer, AiSystemChangedConsumerDefinition>();
            bus.AddConsumer<RiskTreatmentUpdatedConsumer, RiskTreatmentUpdatedConsumerDefinition>();

            // No outbound call to any vendor: MassTransit would otherwise report usage to its publisher.
            bus.DisableUsageTelemetry();
            bus.AddConsumer<ReassessSystemConsumer, ReassessSystemConsumerDefinition>();
            bus.AddReceiveEndpointObserver(sp => sp.GetRequiredService<OutboundTopology>());
            bus.AddReceiveEndpointObserver(sp => sp.GetRequiredService<BusStartup>());
            bus.AddPublishObserver(sp => sp.GetRequiredService<PublishWatchdog>());
            bus.ConfigureHealthCheckOptions(h =>
            {
                h.Name = "broker";
                h.Tags.Add(ReadyTag);
            });
            bus.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                var worker = context.GetRequiredService<IOptions<RiskWorkerOptions>>().Value;
                var refusals = context.GetRequiredService<ILoggerFactory>().CreateLogger<CheckedBodySerializerFactory>();
                var errors = context.GetRequiredService<ILoggerFactory>().CreateLogger<ErrorQueueFilter>();
                cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                    if (rabbit.UseTls)
                    {
                        h.UseSsl(s => s.ServerName = rabbit.TlsServerName ?? rabbit.Host);
                    }
                });

                // Treatment tasks: plain JSON to the topic exchange, routing key category.level, message_id = taskId.
                cfg.AddRawJsonSerializer(RawSerializerOptions.CopyHeaders);
                cfg.Message<RiskTreatmentRequested>(m => m.SetEntityName(Topology.TasksExchange));
                cfg.Publish<RiskTreatmentRequested>(p =>
                {
                    p.ExchangeType = "topic";

                    // Declared by OutboundTopology, not on the first publish of each channel (see there why).
                    p.Exclude = true;
                });
                cfg.Send<RiskTreatmentRequested>(s =>
                {
                    s.UseSerializer("application/json");
                    s.UseRoutingKeyFormatter(c => c.Message.RoutingKey());
                });

                // Status events: plain JSON to the topic exchange, routing key category.status, message_id = changeId.
                cfg.Message<RiskStatusChanged>(m => m.SetEntityName(Topology.RiskEventsExchange));
                cfg.Publish<RiskStatusChanged>(p =>
                {
                    p.ExchangeType = "topic";
                    p.Exclude = true;
                });
                cfg.Send<RiskStatusChanged>(s =>
                {
                    s.UseSerializer("application/json");
                    s.UseRoutingKeyFormatter(c => c.Message.RoutingKey());
                });

                cfg.ReceiveEndpoint(Topology.InputQueue, e =>
                {
                    // Publishers send plain JSON with or without content_type; enveloped messages still work.
                    // Both deserializers check the body first, so that a refusal says what is wrong (see CheckedBodySerializerFactory).
                    e.AddDeserializer(new CheckedBodySerializerFactory(new MassTransit.Configuration.SystemTextJsonRawMessageSerializerFactory(RawSerializerOptions.AnyMessageType), CheckedBodySerializerFactory.PlainJson(worker.MaxMessageBytes), refusals), isDefault: true);
                    e.AddDeserializer(new CheckedBodySerializerFactory(new MassTransit.Configuration.SystemTextJsonMessageSerializerFactory(), CheckedBodySerializerFactory.Envelope(worker.MaxMessageBytes), refusals));
                    e.AddDeserializer(new CloudEventSerializerFactory(new CheckedBodySerializerFactory(new MassTransit.Configuration.SystemTextJsonRawMessageSerializerFactory(RawSerializerOptions.AnyMessageType), CheckedBodySerializerFactory.PlainJson(worker.MaxMessageBytes), refusals)));
                    e.ConfigureConsumeTopology = false;
                    e.PublishFaults = false;

                    // A refused message goes to the error queue and nowhere else, with the reason and nothing about the machine.
                    ErrorQueueFilter.Configure(e, errors);
                    e.PrefetchCount = worker.PrefetchCount;
                    if (worker.QuorumQueue)
                    {
                        e.SetQuorumQueue();
                    }

                    e.ConfigureConsumer<AiSystemChangedConsumer>(context);
                });

                cfg.ReceiveEndpoint(Topology.UpdatesQueue, e =>
                {
                    e.AddDeserializer(new MassTransit.Configuration.SystemTextJsonRawMessageSerializerFactory(RawSerializerOptions.AnyMessageType), isDefault: true);
                    e.ConfigureConsumeTopology = false;
                    e.PublishFaults = false;
                    ErrorQueueFilter.Configure(e, errors);
                    if (worker.QuorumQueue)
                    {
                        e.SetQuorumQueue();
                    }

                    e.ConfigureConsumer<RiskTreatmentUpdatedConsumer>(context);
                });

                // Re-assessments: their own endpoint and concurrency, so the register's re-assessment never starves new events.
                cfg.ReceiveEndpoint(Topology.ReassessmentQueue, e =>
                {
                    e.ConfigureConsumeTopology = false;
                    e.PublishFaults = false;
                    ErrorQueueFilter.Configure(e, errors);
                    e.PrefetchCount = context.GetRequiredService<IOptions<ReassessmentOptions>>().Value.PrefetchCount;
                    if (worker.QuorumQueue)
                    {
                        e.SetQuorumQueue();
                    }

                    e.ConfigureConsumer<ReassessSystemConsumer>(context);
                });
            });
        });

        // The bus starts after the HTTP server, so the health endpoints answer while it waits for the broker (BusStarter).
        services.RemoveMassTransitHostedService();
        services.AddHostedService<BusStarter>();
        services.PostConfigure<HealthCheckServiceOptions>(o =>
        {
            var broker = o.Registrations.Single(r => r.Name == "broker");
            var check = broker.Factory;
            broker.Factory = sp => new BrokerHealthCheck(check(sp), sp.GetRequiredService<BusStartup>(), sp.GetRequiredService<IOptions<RabbitMqOptions>>());
        });
    }
}

using System.Text;
using System.Text.Json;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Sources;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Reliability;
using Aims.Risk.TestSupport;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Intake;

/// <summary>
/// Each upstream source, as the platform sends it, through the worker's HTTP intake or its input queue, to an
/// assessment in the register and treatment tasks on the broker.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class IntakeEndToEndTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_http_source_becomes_an_assessment_with_tasks_and_a_retried_delivery_is_a_duplicate()
    {
        await using var worker = await IntakeWorker.StartAsync(broker, "intake-sources");
        await using var tasks = await TaskCollector.BindAsync(worker.VirtualHost);
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var events = new Dictionary<string, IntakeWorker.Answer>();

        // MLflow: a new version (owner from its tag), then MLflow's retry of the same delivery, then the champion alias.
        var deliveryId = Guid.NewGuid().ToString();
        events["mlflow version"] = await worker.MlflowAsync(PlatformPayloads.MlflowModelVersionCreated(), deliveryId);
        var retry = await worker.MlflowAsync(PlatformPayloads.MlflowModelVersionCreated(), deliveryId, timestamp: DateTimeOffset.UtcNow.AddSeconds(30));
        events["mlflow alias"] = await worker.MlflowAsync(PlatformPayloads.Mlflow("model_version_alias", "created", """{"name": "credit-scoring", "alias": "champion", "version": "3"}"""));

        // Azure ML: the Event Grid schema (after the subscription handshake) and the CloudEvents schema.
        var handshake = await worker.PostAsync("/hooks/azureml", PlatformPayloads.EventGridValidation, headers: new Dictionary<string, string> { ["x-api-key"] = IntakeWorker.AzureKey });
        events["azureml event grid"] = await worker.PostAsync($"/hooks/azureml?code={IntakeWorker.AzureKey}",
            PlatformPayloads.EventGrid("Microsoft.MachineLearningServices.ModelDeployed", PlatformPayloads.AzureModelDeployedData, id: Guid.NewGuid().ToString(), time: now));
        events["azureml cloudevents"] = await worker.PostAsync("/hooks/azureml",
            PlatformPayloads.AzureCloudEvent("Microsoft.MachineLearningServices.DatasetDriftDetected", PlatformPayloads.AzureDriftData, id: Guid.NewGuid().ToString()).Replace("2026-11-29T16:45:00.1234567Z", now, StringComparison.Ordinal),
            "application/cloudevents+json; charset=utf-8", new Dictionary<string, string> { ["x-api-key"] = IntakeWorker.AzureKey });

        // SageMaker through an EventBridge API destination with an API-key header.
        events["sagemaker"] = await worker.PostAsync("/hooks/sagemaker",
            PlatformPayloads.SageMaker("Approved", id: Guid.NewGuid().ToString()).Replace("2026-11-29T16:45:00Z", now, StringComparison.Ordinal),
            headers: new Dictionary<string, string> { ["x-api-key"] = IntakeWorker.SageMakerKey });

        // CloudEvents over HTTP: structured and binary AiSystemChanged, and a structured Azure ML event.
        var change = $$"""{"occurredAt":"{{now}}","changeType":"ModelDeployed","system":{"id":"support-chatbot","name":"Support chatbot","owner":"cx@example.com","exposure":"Public"},"security":{"artifactSigned":false}""" + "}";
        events["events structured"] = await worker.PostAsync("/events",
            $$"""{"specversion":"1.0","id":"{{Guid.NewGuid()}}","source":"/pipelines/chatbot","type":"aims.risk.ai-system-changed","time":"{{now}}","data":""" + change + "}",
            "application/cloudevents+json", new Dictionary<string, string> { ["x-api-key"] = IntakeWorker.EventsKey });
        events["events binary"] = await worker.PostAsync($"/events?code={IntakeWorker.EventsKey}", change, "application/json", new Dictionary<string, string>
        {
            ["ce-specversion"] = "1.0", ["ce-id"] = Guid.NewGuid().ToString(), ["ce-source"] = "/pipelines/chatbot", ["ce-type"] = "aims.risk.ai-system-changed",
        });
        events["events azureml"] = await worker.PostAsync("/events",
            PlatformPayloads.AzureCloudEvent("Microsoft.MachineLearningServices.ModelRegistered", PlatformPayloads.AzureModelRegisteredData, id: Guid.NewGuid().ToString()).Replace("2026-11-29T16:45:00.1234567Z", now, StringComparison.Ordinal),
            "application/cloudevents+json", new Dictionary<string, string> { ["x-api-key"] = IntakeWorker.EventsKey });

        foreach (var (name, answer) in events)
        {
            output.WriteLine($"{name}: {answer.Status} {answer.Body}");
        }

        Assert.All(events, e => Assert.Equal(202, e.Value.Status));
        Assert.Equal((200, """{"validationResponse":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}"""), (handshake.Status, handshake.Body));
        Assert.Equal(202, retry.Status);
        Assert.Equal(events["mlflow version"].EventIds, retry.EventIds);
        Assert.Equal(SourceEventIds.For("mlflow", deliveryId), Assert.Single(retry.EventIds));

        var eventIds = events.Values.Select(e => Assert.Single(e.EventIds)).ToList();
        await worker.WaitForAssessmentsAsync(eventIds, Patience);
        Assert.True(await worker.Process.LogContainsAsync($"Assessed event {eventIds[0]} of system credit-scoring: duplicate=True", TimeSpan.FromSeconds(30)), worker.Process.LogTail());
        Assert.Single(await worker.QueryAsync<string>("SELECT EventId FROM Assessments WHERE EventId = @id;", new { id = eventIds[0].ToString() }));

        // The catalogue decides the system and its risk class; the tag decides the owner; the payload says which did what.
        var version = await worker.PayloadAsync(eventIds[0]);
        Assert.Equal("credit-scoring", version.GetProperty("system").GetProperty("id").GetString());
        Assert.Equal("High", version.GetProperty("system").GetProperty("euAiActRiskClass").GetString());
        Assert.Equal("ml-platform@example.com", version.GetProperty("system").GetProperty("owner").GetString());
        Assert.Equal("tag aims.owner", version.GetProperty("attributes").GetProperty("fieldSource.system.owner").GetString());
        Assert.Equal("catalog 2.0.0-test", version.GetProperty("attributes").GetProperty("fieldSource.system.euAiActRiskClass").GetString());
        var drift = await worker.PayloadAsync(Assert.Single(events["azureml cloudevents"].EventIds));
        Assert.Equal(("demand-forecasting", "MonitoringAlert", 0.83), (drift.GetProperty("system").GetProperty("id").GetString(), drift.GetProperty("changeType").GetString(), drift.GetProperty("model").GetProperty("metrics").GetProperty("driftScore").GetDouble()));
        var approved = await worker.PayloadAsync(Assert.Single(events["sagemaker"].EventIds));
        Assert.Equal(("ModelDeployed", "aws-team@example.com"), (approved.GetProperty("changeType").GetString(), approved.GetProperty("system").GetProperty("owner").GetString()));

        // Every source's system got treatment tasks (a later event of the same system finds its risks open already).
        var taskIds = await worker.QueryAsync<(string SystemId, string TaskId)>("SELECT SystemId, TaskId FROM RiskEntries WHERE TaskId IS NOT NULL;");
        foreach (var system in new[] { "credit-scoring", "credit-scoring-azure", "demand-forecasting", "credit-scoring-aws", "support-chatbot" })
        {
            Assert.True(taskIds.Any(t => t.SystemId == system), $"{system}: no task");
        }

        var received = await tasks.CollectAsync(taskIds.Select(t => Guid.Parse(t.TaskId)), Patience);
        Assert.All(taskIds, t => Assert.True(received.ContainsKey(Guid.Parse(t.TaskId)), $"task {t.TaskId} of system {t.SystemId} did not arrive"));
        Assert.Equal(0u, await worker.VirtualHost.MessageCountAsync(Topology.ErrorQueue));
        worker.Passed();
    }

    [Fact]
    public async Task Structured_and_binary_cloud_events_on_the_input_queue_are_assessed_and_a_foreign_type_is_error_queued()
    {
        await using var worker = await IntakeWorker.StartAsync(broker, "intake-amqp");
        await using var connection = await worker.VirtualHost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var data = """{"changeType":"ModelDeployed","system":{"id":"credit-scoring","name":"Credit scoring","owner":"risk-team@example.com","exposure":"CustomerFacing","affectsIndividuals":true}}""";
        var expected = new List<Guid>();

        var structuredId = Guid.NewGuid().ToString();
        await PublishAsync(channel, $$"""{"specversion":"1.0","id":"{{structuredId}}","source":"/pipelines/credit","type":"aims.risk.ai-system-changed","time":"{{now}}","datacontenttype":"application/json","data":""" + data + "}",
            "application/cloudevents+json", new Dictionary<string, object?>());
        expected.Add(SourceEventIds.For("/pipelines/credit", structuredId));
        foreach (var prefix in new[] { "cloudEvents_", "cloudEvents:", "ce-" })
        {
            var id = Guid.NewGuid().ToString();
            await PublishAsync(channel, data, "application/json", new Dictionary<string, object?>
            {
                [prefix + "specversion"] = "1.0", [prefix + "id"] = id, [prefix + "source"] = "/pipelines/credit",
                [prefix + "type"] = "aims.risk.ai-system-changed", [prefix + "time"] = now,
            });
            expected.Add(SourceEventIds.For("/pipelines/credit", id));
        }

        await PublishAsync(channel, $$"""{"specversion":"1.0","id":"x-1","source":"/elsewhere","type":"com.example.invoice.paid","time":"{{now}}","data":{}""" + "}",
            "application/cloudevents+json", new Dictionary<string, object?>());

        await worker.WaitForAssessmentsAsync(expected, Patience);
        var deadline = DateTime.UtcNow + Patience;
        while (await worker.VirtualHost.MessageCountAsync(Topology.ErrorQueue) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await using var errors = await connection.CreateChannelAsync();
        var refused = await errors.BasicGetAsync(Topology.ErrorQueue, autoAck: true);
        Assert.NotNull(refused);
        var reason = Encoding.UTF8.GetString((byte[])refused.BasicProperties.Headers!["MT-Fault-Message"]!);
        output.WriteLine(reason);
        Assert.Contains("type 'com.example.invoice.paid' is not aims.risk.ai-system-changed", reason, StringComparison.Ordinal);
        Assert.Equal(4, (await worker.QueryAsync<string>("SELECT EventId FROM Assessments;")).Count);
        Assert.Equal("/pipelines/credit", (await worker.PayloadAsync(expected[1])).GetProperty("source").GetString());
        worker.Passed();
    }

    private static async Task PublishAsync(IChannel channel, string body, string contentType, Dictionary<string, object?> headers)
    {
        var properties = new BasicProperties { ContentType = contentType, DeliveryMode = DeliveryModes.Persistent, MessageId = Guid.NewGuid().ToString(), Headers = headers };
        await channel.BasicPublishAsync("", Topology.InputQueue, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }
}

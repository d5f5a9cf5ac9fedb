using System.Net.Sockets;
using System.Text;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Reliability;
using Aims.Risk.TestSupport;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Intake;

/// <summary>Every kind of bad request gets its status and a reason, no stack trace, and nothing is published.</summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class IntakeBadInputTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    [Fact]
    public async Task Bad_requests_are_answered_with_their_status_and_reason_and_nothing_is_published()
    {
        await using var worker = await IntakeWorker.StartAsync(broker, "intake-bad", new Dictionary<string, string>
        {
            ["Intake__SageMaker__Key"] = "",
            ["Intake__MaxBodyBytes"] = "4096",
            ["Intake__BodyTimeout"] = "00:00:02",
        });
        var key = new Dictionary<string, string> { ["x-api-key"] = IntakeWorker.EventsKey };
        var body = PlatformPayloads.MlflowModelVersionCreated();
        var answers = new Dictionary<string, (IntakeWorker.Answer Answer, int Status, string Reason)>
        {
            ["mlflow other secret"] = (await worker.MlflowAsync(body, secret: "not-the-secret"), 401, "does not match"),
            ["mlflow stale"] = (await worker.MlflowAsync(body, timestamp: DateTimeOffset.UtcNow.AddMinutes(-10)), 401, "stale"),
            ["mlflow unsigned"] = (await worker.PostAsync("/hooks/mlflow", body, headers: new Dictionary<string, string> { ["X-MLflow-Delivery-Id"] = "d", ["X-MLflow-Timestamp"] = "1" }), 401, "X-MLflow-Signature header is missing"),
            ["mlflow unknown model"] = (await worker.MlflowAsync(PlatformPayloads.MlflowModelVersionCreated(model: "churn-model")), 422, "'mlflow:churn-model' is not in the system catalogue"),
            ["mlflow bad tag"] = (await worker.MlflowAsync(PlatformPayloads.MlflowModelVersionCreated(tags: "{\"aims.exposure\": \"Everyone\"}")), 422, "tag 'aims.exposure'"),
            ["mlflow malformed"] = (await worker.MlflowAsync("{\"entity\": \"model_version\", \"action\": "), 400, "not valid JSON"),
            ["mlflow unknown event"] = (await worker.MlflowAsync(PlatformPayloads.Mlflow("prompt", "created", "{\"name\": \"summarise\", \"tags\": {}}")), 202, ""),
            ["azureml wrong key"] = (await worker.PostAsync("/hooks/azureml?code=guess", PlatformPayloads.EventGridValidation), 401, "the key is wrong"),
            ["azureml no key"] = (await worker.PostAsync("/hooks/azureml", PlatformPayloads.EventGridValidation), 401, "the key is missing"),
            ["azureml missing model"] = (await worker.PostAsync("/hooks/azureml", PlatformPayloads.EventGrid("Microsoft.MachineLearningServices.ModelRegistered", """{"modelVersion":"2"}"""), headers: new Dictionary<string, string> { ["x-api-key"] = IntakeWorker.AzureKey }), 400, "data.modelName: missing"),
            ["sagemaker off"] = (await worker.PostAsync("/hooks/sagemaker", PlatformPayloads.SageMaker("Approved")), 404, ""),
            ["events not a cloud event"] = (await worker.PostAsync("/events", "{}", headers: key), 400, "not a CloudEvent"),
            ["events invalid change"] = (await worker.PostAsync("/events", """{"specversion":"1.0","id":"1","source":"/p","type":"aims.risk.ai-system-changed","data":{"changeType":"ModelDeployed"}}""", "application/cloudevents+json", key), 400, "system"),
            ["events unknown type"] = (await worker.PostAsync("/events", """{"specversion":"1.0","id":"1","source":"/p","type":"com.example.invoice.paid","time":"2026-11-29T16:45:00Z","data":{}}""", "application/cloudevents+json", key), 202, ""),
            ["events oversized"] = (await worker.PostAsync("/events", new string(' ', 5000), headers: key), 413, "larger than 4096 bytes"),
        };

        var (slowStatus, slowBody) = await SlowBodyAsync(worker.Port, "/events", IntakeWorker.EventsKey);
        using var http = new HttpClient();
        using var onHealthPort = await http.PostAsync(new Uri($"http://localhost:{worker.Process.HealthPort}/events"), new StringContent("{}"));
        using var healthOnIntakePort = await http.GetAsync(worker.Url("/health/ready"));

        foreach (var (name, (answer, _, _)) in answers)
        {
            output.WriteLine($"{name}: {answer.Status} {answer.Body}");
        }

        output.WriteLine($"slow body: {slowStatus} {slowBody}");
        Assert.All(answers, a => Assert.Equal((a.Key, a.Value.Status), (a.Key, a.Value.Answer.Status)));
        Assert.All(answers.Where(a => a.Value.Reason.Length > 0), a => Assert.Contains(a.Value.Reason, a.Value.Answer.Error, StringComparison.Ordinal));
        Assert.All(answers.Where(a => a.Value.Status == 202), a => Assert.Empty(a.Value.Answer.EventIds));
        Assert.All(answers, a => Assert.DoesNotContain("   at ", a.Value.Answer.Body, StringComparison.Ordinal));
        Assert.Equal(408, slowStatus);
        Assert.Contains("not received within 2 s", slowBody, StringComparison.Ordinal);
        Assert.Equal(404, (int)onHealthPort.StatusCode);
        Assert.Equal(404, (int)healthOnIntakePort.StatusCode);

        // Nothing was published: a good event sent last is the only one assessed, and nothing reached the error queue.
        var sentinel = await worker.MlflowAsync(body);
        await worker.WaitForAssessmentsAsync(sentinel.EventIds, TimeSpan.FromSeconds(60));
        Assert.Equal(sentinel.EventIds.Select(e => e.ToString()), await worker.QueryAsync<string>("SELECT EventId FROM Assessments;"));
        Assert.Equal(0u, await worker.VirtualHost.MessageCountAsync(Topology.ErrorQueue));
        Assert.Equal(0u, await worker.VirtualHost.MessageCountAsync(Topology.InputQueue));
        worker.Passed();
    }

    [LocalBrokerFact]
    public async Task A_publish_the_broker_refuses_is_answered_503_and_the_senders_retry_is_accepted()
    {
        await using var worker = await IntakeWorker.StartAsync(broker, "intake-503");
        var body = PlatformPayloads.MlflowModelVersionCreated();
        var deliveryId = Guid.NewGuid().ToString();

        // The broker refuses every write on the virtual host (as when it is out of disk or the account lost its rights).
        await LocalBroker.CtlAsync("-q", "set_permissions", "-p", worker.VirtualHost.Name, broker.Username, ".*", "^$", ".*");
        IntakeWorker.Answer refused;
        try
        {
            refused = await worker.MlflowAsync(body, deliveryId);
        }
        finally
        {
            await LocalBroker.CtlAsync("-q", "set_permissions", "-p", worker.VirtualHost.Name, broker.Username, ".*", ".*", ".*");
        }

        var retried = await worker.MlflowAsync(body, deliveryId);
        output.WriteLine($"refused: {refused.Status} {refused.Body}; retried: {retried.Status} {retried.Body}");

        Assert.Equal(503, refused.Status);
        Assert.Contains("retry later", refused.Error, StringComparison.Ordinal);
        Assert.Equal(202, retried.Status);
        await worker.WaitForAssessmentsAsync(retried.EventIds, TimeSpan.FromSeconds(60));
        worker.Passed();
    }

    /// <summary>Headers, then a few bytes of a longer body, then nothing: the answer the intake gives a stalled sender.</summary>
    private static async Task<(int Status, string Body)> SlowBodyAsync(int port, string path, string apiKey)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("localhost", port);
        await using var stream = client.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: localhost:{port}\r\nx-api-key: {apiKey}\r\nContent-Type: application/cloudevents+json\r\nContent-Length: 1000\r\n\r\n{{\"specversion\"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var status = await reader.ReadLineAsync(timeout.Token) ?? "";
        var response = await reader.ReadToEndAsync(timeout.Token);
        return (int.Parse(status.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), response);
    }
}

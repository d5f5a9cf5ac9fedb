using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>
/// The error queues are on the broker, off the worker's machine: what the worker moves there carries the reason, when,
/// from which queue and after how many retries, and nothing about the machine (its name, the process, the assemblies,
/// the runtime), no stack trace, no file path and no internal type name.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class ErrorQueueHeaderTests(RabbitMqFixture broker, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The MT-Fault-* headers an error-queued message may carry; every other one is refused.</summary>
    private static readonly string[] AllowedFaultHeaders = ["MT-Fault-Message", "MT-Fault-Timestamp", "MT-Fault-InputAddress", "MT-Fault-RetryCount"];

    private WorkerHost _worker = null!;
    private PlainAmqp _amqp = null!;

    public async Task InitializeAsync()
    {
        _worker = await WorkerHost.StartAsync(broker);
        _amqp = await PlainAmqp.ConnectAsync(broker);
    }

    public async Task DisposeAsync()
    {
        await _amqp.DisposeAsync();
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task Error_queued_messages_carry_the_reason_and_nothing_about_the_machine_the_process_or_the_code()
    {
        var badEnum = BadInputCorpus.Valid(Guid.NewGuid());
        badEnum["changeType"] = "Nope";
        var envelope = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString(),
            ["messageType"] = new JsonArray("urn:message:Aims.Risk.Contracts:AiSystemChanged"),
            ["faultAddress"] = $"rabbitmq://{broker.Host}:{broker.Port}/{RabbitMqFixture.UniqueName("fault")}",
            ["message"] = BadInputCorpus.Valid(Guid.NewGuid()),
        };
        var update = new JsonObject
        {
            ["updateId"] = Guid.NewGuid().ToString(),
            ["riskId"] = Guid.NewGuid().ToString(),
            ["action"] = "Acknowledged",
            ["actor"] = "owner@bank.example",
            ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
        };

        var sent = new List<(string Queue, string ErrorQueue, string Id, string Case)>
        {
            (Topology.InputQueue, Topology.ErrorQueue, await PublishAsync(Topology.InputQueue, "not json at all"u8.ToArray(), "application/json"), "a body that is not JSON"),
            (Topology.InputQueue, Topology.ErrorQueue, await PublishAsync(Topology.InputQueue, Json(badEnum), "application/json"), "an unknown enum name"),
            (Topology.InputQueue, Topology.ErrorQueue, await PublishAsync(Topology.InputQueue, Json(envelope), "application/vnd.masstransit+json"), "an envelope with a faultAddress"),
            (Topology.InputQueue, Topology.ErrorQueue, await PublishAsync(Topology.InputQueue, "plain words"u8.ToArray(), "text/plain"), "a refused content type"),
            (Topology.UpdatesQueue, Topology.UpdatesErrorQueue, await PublishAsync(Topology.UpdatesQueue, Json(update), "application/json"), "an update for an unknown risk"),
            (Topology.UpdatesQueue, Topology.UpdatesErrorQueue, await PublishAsync(Topology.UpdatesQueue, "{\"updateId\": "u8.ToArray(), "application/json"), "an update that is not JSON"),
            (Topology.ReassessmentQueue, Topology.ReassessmentQueue + "_error", await PublishAsync(Topology.ReassessmentQueue, "{ not an envelope"u8.ToArray(), "application/vnd.masstransit+json"), "a re-assessment that is not JSON"),
        };

        var problems = new List<string>();
        foreach (var errorQueue in sent.Select(s => s.ErrorQueue).Distinct())
        {
            var expected = sent.Where(s => s.ErrorQueue == errorQueue).ToList();
            var taken = await _amqp.TakeAsync(errorQueue, t => expected.All(e => t.Any(m => m.BasicProperties.MessageId == e.Id)), TimeSpan.FromSeconds(60));
            foreach (var (_, _, id, name) in expected)
            {
                var message = taken.SingleOrDefault(m => m.BasicProperties.MessageId == id);
                if (message is null)
                {
                    problems.Add($"{name}: not in {errorQueue}");
                    continue;
                }

                var headers = (message.BasicProperties.Headers ?? new Dictionary<string, object?>())
                    .ToDictionary(h => h.Key, h => Text(h.Value), StringComparer.Ordinal);
                output.WriteLine($"{name} ({errorQueue}):");
                foreach (var (key, value) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
                {
                    output.WriteLine($"  {key}: {value}");
                }

                problems.AddRange(Leaks(headers).Select(leak => $"{name}: {leak}"));
            }
        }

        Assert.Empty(problems);
    }

    /// <summary>What in one message's headers says something about the machine, the process or the code.</summary>
    private static IEnumerable<string> Leaks(Dictionary<string, string?> headers)
    {
        if (string.IsNullOrWhiteSpace(headers.GetValueOrDefault("MT-Fault-Message")))
        {
            yield return "no reason in MT-Fault-Message";
        }

        foreach (var key in headers.Keys.Where(k => k.StartsWith("MT-Host", StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"header {key} names the host or the process";
        }

        foreach (var key in headers.Keys.Where(k => k.StartsWith("MT-Fault-", StringComparison.OrdinalIgnoreCase) && !AllowedFaultHeaders.Contains(k)))
        {
            yield return $"header {key} is not one of {string.Join(", ", AllowedFaultHeaders)}";
        }

        var telling = new[]
        {
            Environment.MachineName, Environment.UserName, Path.GetTempPath(), AppContext.BaseDirectory,
            "/home", "/work", "/tmp", "/usr", "/root", "/app", "C:\\", "   at ", " at Aims.", ".cs:line", "Aims.Risk.Core", "Aims.Risk.Worker",
            "System.", "MassTransit.", "Exception:", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        };
        foreach (var (key, value) in headers)
        {
            foreach (var word in telling.Where(w => w.Length >= 3 && value?.Contains(w, StringComparison.OrdinalIgnoreCase) == true))
            {
                yield return $"header {key} contains '{word}': {value}";
            }
        }
    }

    private async Task<string> PublishAsync(string queue, byte[] body, string contentType)
    {
        var id = Guid.NewGuid().ToString();
        var properties = new BasicProperties { MessageId = id, DeliveryMode = DeliveryModes.Persistent, ContentType = contentType };
        await _amqp.Channel.BasicPublishAsync("", queue, mandatory: true, properties, body);
        return id;
    }

    private static byte[] Json(JsonNode json) => Encoding.UTF8.GetBytes(json.ToJsonString());

    private static string? Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => value.ToString(),
    };
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.TestSupport;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>
/// The whole path on a real broker: a plain AMQP client publishes, the worker assesses and records in SQLite,
/// and a plain AMQP consumer receives the treatment tasks.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class WorkerEndToEndTests(RabbitMqFixture broker) : IAsyncLifetime
{
    private WorkerHost _worker = null!;
    private PlainAmqp _amqp = null!;

    public async Task InitializeAsync()
    {
        _worker = await WorkerHost.StartAsync(broker, new Dictionary<string, string?> { ["Worker:MaxMessageBytes"] = "65536" });
        _amqp = await PlainAmqp.ConnectAsync(broker);
    }

    public async Task DisposeAsync()
    {
        await _amqp.DisposeAsync();
        await _worker.DisposeAsync();
    }

    /// <summary>The CV-screening example made risky: unsigned, vulnerable, unconsented special-category data, no review.</summary>
    private static (JsonObject Json, Guid EventId) RiskyEvent()
    {
        var json = JsonNode.Parse(RepositoryRoot.Example("cv-screening.json"))!.AsObject();
        var eventId = Guid.NewGuid();
        json["eventId"] = eventId.ToString();
        json["changeType"] = "ModelDeployed";
        json["security"] = new JsonObject { ["artifactSigned"] = false, ["criticalVulnerabilities"] = 3, ["sbomAvailable"] = false };
        json["evaluation"] = new JsonObject { ["biasTestingPerformed"] = false, ["humanReviewCompleted"] = false };
        json["datasets"] = new JsonArray(new JsonObject { ["name"] = "applicants-2026", ["containsPersonalData"] = true, ["specialCategoryData"] = true });
        return (json, eventId);
    }

    private static List<Finding> Expected(JsonObject json)
    {
        var change = AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()), TimeProvider.System);
        return [.. new RiskEvaluator(TimeProvider.System).Evaluate(change, RuleSetLoader.Load(RepositoryRoot.Rules)).Findings];
    }

    [Fact]
    public async Task Plain_json_event_yields_an_assessment_its_entries_and_tasks_on_the_topic_exchange()
    {
        var tasks = await _amqp.BindTaskQueueAsync();
        var (json, eventId) = RiskyEvent();
        var expected = Expected(json);
        var treated = expected.Where(f => f.RequiresTreatment).ToList();
        Assert.True(treated.Count >= 3, "the event should need several treatments");

        await _amqp.PublishAsync(Encoding.UTF8.GetBytes(json.ToJsonString()));
        var received = await _amqp.TakeAsync(tasks, t => t.Count >= treated.Count);

        Assert.Equal(treated.Select(f => f.TaskId!.Value.ToString()).Order(), received.Select(m => m.BasicProperties.MessageId!).Order());
        foreach (var message in received)
        {
            Assert.Equal("application/json", message.BasicProperties.ContentType);
            var task = JsonSerializer.Deserialize<RiskTreatmentRequested>(message.Body.Span, ContractJson.Options)!;
            var finding = treated.Single(f => f.RuleId == task.RuleId);
            Assert.Equal(finding.TaskId, task.TaskId);
            Assert.Equal($"{finding.Category}.{finding.Level}".ToLowerInvariant(), message.RoutingKey);
            Assert.Equal((eventId, "cv-screening", finding.Level, finding.Score, finding.Treatment), (task.EventId, task.SystemId, task.Level, task.Score, task.Treatment));
            Assert.Equal(finding.Controls, task.Controls);
            Assert.Equal(RuleSetLoader.Load(RepositoryRoot.Rules).Version, task.RuleSetVersion);
            Assert.False(string.IsNullOrWhiteSpace(task.Rationale));
            Assert.True(task.DueBy > task.CreatedAt);
            using var body = JsonDocument.Parse(message.Body);
            foreach (var field in new[] { "taskId", "eventId", "systemId", "systemName", "owner", "category", "ruleId", "ruleSetVersion", "title", "rationale", "likelihood", "impact", "score", "level", "treatment", "controls", "dueBy", "createdAt" })
            {
                Assert.True(body.RootElement.TryGetProperty(field, out _), $"task body lacks '{field}'");
            }
        }

        var stored = await _worker.Register.FindAssessmentAsync(eventId, default);
        Assert.NotNull(stored);
        Assert.Equal(expected.Select(f => f.RuleId).Order(), stored.Entries.Select(e => e.RuleId).Order());
        Assert.Equal(RuleSetLoader.Load(RepositoryRoot.Rules).Hash, stored.RuleSetHash);
        Assert.Contains("applicants-2026", stored.Payload, StringComparison.Ordinal);
        Assert.All(stored.Entries.Where(e => e.Level < RiskLevel.Medium), e => Assert.Equal(RiskEntryStatus.Accepted, e.Status));
    }

    [Fact]
    public async Task Publishing_the_same_event_again_changes_nothing_and_republishes_the_same_task_ids()
    {
        var tasks = await _amqp.BindTaskQueueAsync();
        var (json, eventId) = RiskyEvent();
        var body = Encoding.UTF8.GetBytes(json.ToJsonString());
        var treated = Expected(json).Count(f => f.RequiresTreatment);

        await _amqp.PublishAsync(body);
        var first = await _amqp.TakeAsync(tasks, t => t.Count >= treated);
        var before = await _worker.Register.FindAssessmentAsync(eventId, default);
        await _amqp.PublishAsync(body);
        var second = await _amqp.TakeAsync(tasks, t => t.Count >= treated);
        var after = await _worker.Register.FindAssessmentAsync(eventId, default);

        Assert.Equal(treated, first.Count);
        Assert.Equal(first.Select(m => m.BasicProperties.MessageId).Order(), second.Select(m => m.BasicProperties.MessageId).Order());
        Assert.Equal(before!.AssessedAt, after!.AssessedAt);
        Assert.Equal(before.Entries.Select(e => (e.Id, e.CreatedAt)), after.Entries.Select(e => (e.Id, e.CreatedAt)));
        var all = await _worker.Register.QueryEntriesAsync(new RegisterQuery { EventId = eventId }, default);
        Assert.Equal(before.Entries.Count, all.Count);
    }

    [Fact]
    public async Task Event_without_content_type_published_to_the_fanout_exchange_is_assessed()
    {
        var json = JsonNode.Parse(RepositoryRoot.Example("demand-forecasting.json"))!.AsObject();
        var eventId = Guid.NewGuid();
        json["eventId"] = eventId.ToString();

        await _amqp.PublishAsync(Encoding.UTF8.GetBytes(json.ToJsonString()), contentType: null, exchange: Topology.InputQueue);

        Assert.NotNull(await WaitForAssessment(eventId));
    }

    [Fact]
    public async Task MassTransit_enveloped_event_is_assessed()
    {
        var json = JsonNode.Parse(RepositoryRoot.Example("fraud-detection.json"))!.AsObject();
        var eventId = Guid.NewGuid();
        json["eventId"] = eventId.ToString();
        var envelope = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString(),
            ["messageType"] = new JsonArray("urn:message:Aims.Risk.Contracts:AiSystemChanged"),
            ["message"] = json,
        };

        await _amqp.PublishAsync(Encoding.UTF8.GetBytes(envelope.ToJsonString()), contentType: "application/vnd.masstransit+json");

        Assert.NotNull(await WaitForAssessment(eventId));
    }

    [Fact]
    public async Task Input_queue_is_a_durable_quorum_queue()
    {
        // Redeclaring with the same arguments succeeds only if the queue is exactly that.
        var ok = await _amqp.Channel.QueueDeclareAsync(Topology.InputQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });

        Assert.Equal(Topology.InputQueue, ok.QueueName);
    }

    [Fact]
    public async Task Bad_messages_go_to_the_error_queue_with_their_reason_while_good_ones_keep_flowing()
    {
        var (good, goodId) = RiskyEvent();
        var (conflicting, conflictId) = RiskyEvent();
        var cases = new List<(byte[] Body, string? ContentType, string Reason)>
        {
            (Encoding.UTF8.GetBytes("garbage, not json"), "application/json", "invalid JSON at line 1, column 1: unexpected 'garbage'"),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], null, "not valid UTF-8"),
            (Encoding.UTF8.GetBytes("{\"eventId\": \"" + Guid.NewGuid()), "application/json", "invalid JSON"),
            (Patched(e => e.Remove("eventId")), "application/json", "missing required properties: 'eventId'"),
            (Patched(e => e["changeType"] = "ModelExploded"), "application/json", "$.changeType: wrong value or type; expected one of"),
            (Patched(e => e["system"] = null), null, "system"),
            (Patched(e => e["system"]!["id"] = ""), "application/json", "system.id: is required"),
            (Patched(e => e["occurredAt"] = "1999-12-31T23:59:59Z"), "application/json", "occurredAt: 1999-12-31T23:59:59.0000000+00:00 is out of range"),
            (Patched(e => e["model"] = new JsonObject { ["metrics"] = new JsonObject { ["accuracy"] = "high" } }), "application/json", "$.model.metrics.accuracy: wrong value or type; expected a number"),
            (InvalidUtf8(), "application/json", "not valid UTF-8"),
            (Patched(e => e["attributes"] = new JsonObject { ["padding"] = new string('x', 70_000) }), "application/json", "the limit is 65536 bytes"),
        };

        var ids = new List<(string Id, string Reason)>();
        foreach (var (body, contentType, reason) in cases)
        {
            ids.Add((await _amqp.PublishAsync(body, contentType), reason));
        }

        await _amqp.PublishAsync(Encoding.UTF8.GetBytes(conflicting.ToJsonString()));
        Assert.NotNull(await WaitForAssessment(conflictId));
        conflicting["source"] = "someone-else";
        ids.Add((await _amqp.PublishAsync(Encoding.UTF8.GetBytes(conflicting.ToJsonString())), "already assessed with a different payload"));
        await _amqp.PublishAsync(Encoding.UTF8.GetBytes(good.ToJsonString()));

        Assert.NotNull(await WaitForAssessment(goodId));
        var errors = await _amqp.TakeAsync(Topology.ErrorQueue, taken => ids.All(i => taken.Any(m => m.BasicProperties.MessageId == i.Id)));
        foreach (var (id, reason) in ids)
        {
            var message = errors.SingleOrDefault(m => m.BasicProperties.MessageId == id);
            Assert.True(message is not null, $"message {id} ({reason}) is not in {Topology.ErrorQueue}");
            var fault = PlainAmqp.Header(message, "MT-Fault-Message");
            Assert.True(fault?.Contains(reason, StringComparison.Ordinal) == true, $"expected a reason containing '{reason}', got '{fault}'");
        }
    }

    /// <summary>A valid event whose source holds the bytes FF FE, which are not UTF-8.</summary>
    private static byte[] InvalidUtf8()
    {
        var body = Patched(e => e["source"] = "@@");
        var at = body.AsSpan().IndexOf("@@"u8);
        body[at] = 0xFF;
        body[at + 1] = 0xFE;
        return body;
    }

    private static byte[] Patched(Action<JsonObject> patch)
    {
        var (json, _) = RiskyEvent();
        patch(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private async Task<AssessmentRecord?> WaitForAssessment(Guid eventId)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await _worker.Register.FindAssessmentAsync(eventId, default) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        return null;
    }
}

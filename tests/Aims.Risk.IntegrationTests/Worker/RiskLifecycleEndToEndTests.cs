using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.TestSupport;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>
/// The risk lifecycle on a real broker, driven as users drive it: a plain AMQP client publishes events and owners'
/// updates, and plain queues bound to the tasks and risk-events exchanges receive what the worker publishes.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class RiskLifecycleEndToEndTests(RabbitMqFixture broker) : IAsyncLifetime
{
    private WorkerHost _worker = null!;
    private PlainAmqp _amqp = null!;

    public async Task InitializeAsync()
    {
        _worker = await WorkerHost.StartAsync(broker, new Dictionary<string, string?>
        {
            ["Risks:SweepInterval"] = "00:00:01",
            ["Risks:OutboxInterval"] = "00:00:00.2",
        });
        _amqp = await PlainAmqp.ConnectAsync(broker);
    }

    public async Task DisposeAsync()
    {
        await _amqp.DisposeAsync();
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task Three_events_of_one_system_give_one_risk_per_rule_and_one_task_per_risk()
    {
        var tasks = await _amqp.BindTaskQueueAsync();
        var statuses = await BindRiskEventsAsync();
        var system = $"credit-scoring-eu-{Guid.NewGuid():N}";
        var events = Enumerable.Range(0, 3).Select(_ => RiskyEvent(system)).ToList();

        foreach (var (json, eventId) in events)
        {
            await _amqp.PublishAsync(Body(json));
            Assert.NotNull(await WaitForAssessment(eventId));
        }

        var risks = await _worker.Register.QueryRisksAsync(new RiskQuery { SystemId = system }, default);
        var first = (await _worker.Register.FindAssessmentAsync(events[0].EventId, default))!;
        var treated = first.Entries.Where(e => e.TaskId is not null).ToList();
        Assert.Equal(first.Entries.Select(e => e.RuleId).Order(), risks.Select(r => r.RuleId).Order());
        Assert.True(treated.Count >= 3, "the event should need several treatments");
        foreach (var later in events.Skip(1))
        {
            var stored = (await _worker.Register.FindAssessmentAsync(later.EventId, default))!;
            Assert.Equal(first.Entries.Count, stored.Entries.Count);
            Assert.All(stored.Entries, e => Assert.Null(e.TaskId));
        }

        // A fence: once this other system's tasks are in, every task of the three events is in too.
        var (fence, fenceId) = RiskyEvent($"fence-{Guid.NewGuid():N}");
        await _amqp.PublishAsync(Body(fence));
        var fenceEntries = (await WaitForAssessment(fenceId))!.Entries.Count(e => e.TaskId is not null);
        var received = await _amqp.TakeAsync(tasks, t => t.Count(m => Task(m).SystemId != system) >= fenceEntries);
        var mine = received.Select(Task).Where(t => t.SystemId == system).ToList();
        Assert.Equal(treated.Select(e => e.TaskId!.Value).Order(), mine.Select(t => t.TaskId).Order());
        Assert.All(mine, t => Assert.Equal(RiskIds.For(system, t.RuleId), t.RiskId));
        Assert.All(mine, t => Assert.Equal("mlflow/prod", t.Source));
        Assert.All(mine, t => Assert.Equal(t.Controls.Count, t.ControlTitles!.Count));
        Assert.Contains(mine, t => t.Attributes?.ContainsKey("ticket") == true);

        var opened = await _amqp.TakeAsync(statuses, s => s.Count(m => Change(m).SystemId == system) >= risks.Count);
        var changes = opened.Select(Change).Where(c => c.SystemId == system).ToList();
        Assert.Equal(risks.Select(r => r.RiskId).Order(), changes.Select(c => c.RiskId).Order());
        Assert.All(changes, c => Assert.Null(c.FromStatus));
    }

    [Fact]
    public async Task An_accepted_update_with_approver_and_expiry_moves_the_risk_and_publishes_its_status_event()
    {
        var statuses = await BindRiskEventsAsync("*.accepted");
        var risk = await OpenRiskAsync();
        var updateId = Guid.NewGuid();
        var until = DateTimeOffset.UtcNow.AddDays(90);

        await PublishUpdateAsync(new JsonObject
        {
            ["updateId"] = updateId.ToString(),
            ["riskId"] = risk.RiskId.ToString(),
            ["action"] = "Accepted",
            ["actor"] = "cro@bank.example",
            ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
            ["acceptedUntil"] = until.ToString("O"),
            ["comment"] = "compensating manual review in place",
            ["evidence"] = new JsonArray("https://tickets.example/RISK-1042"),
        });

        var received = await _amqp.TakeAsync(statuses, s => s.Any(m => Change(m).RiskId == risk.RiskId));
        var message = Assert.Single(received, m => Change(m).RiskId == risk.RiskId);
        var change = Change(message);
        Assert.Equal((risk.Status, RiskStatus.Accepted, "cro@bank.example"), (change.FromStatus!.Value, change.ToStatus, change.Actor));
        Assert.Equal($"{risk.Category}.accepted", message.RoutingKey);
        Assert.Equal(RiskIds.ChangeByUpdate(risk.RiskId, updateId).ToString(), message.BasicProperties.MessageId);
        var detail = (await _worker.Register.FindRiskAsync(risk.RiskId, default))!;
        Assert.Equal((RiskStatus.Accepted, "cro@bank.example"), (detail.Risk.Status, detail.Risk.AcceptedBy));
        Assert.Contains(detail.History, h => h.UpdateId == updateId && h.Reason.Contains("RISK-1042", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_update_without_expiry_and_one_for_an_unknown_risk_land_in_the_error_queue_with_their_reason()
    {
        var risk = await OpenRiskAsync();
        var cases = new List<(JsonObject Update, string Reason)>
        {
            (Update(risk.RiskId, "Accepted"), "acceptedUntil is required"),
            (Update(Guid.NewGuid(), "Acknowledged"), "no risk"),
            (Update(risk.RiskId, "Mitigated", residual: (5, 5)), "above the inherent"),
            (Update(risk.RiskId, "Reopened"), "illegal transition"),
            (new JsonObject { ["updateId"] = Guid.NewGuid().ToString(), ["riskId"] = risk.RiskId.ToString(), ["action"] = "Acknowledged", ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O") }, "actor"),
        };
        var ids = new List<(string Id, string Reason)>();
        foreach (var (update, reason) in cases)
        {
            ids.Add((await PublishUpdateAsync(update), reason));
        }

        // A good update behind the bad ones is applied.
        await PublishUpdateAsync(Update(risk.RiskId, "Acknowledged"));
        Assert.True(await WaitUntilAsync(async () => (await _worker.Register.FindRiskAsync(risk.RiskId, default))!.Risk.Status == RiskStatus.InTreatment));

        var errors = await _amqp.TakeAsync(Topology.UpdatesErrorQueue, taken => ids.All(i => taken.Any(m => m.BasicProperties.MessageId == i.Id)));
        foreach (var (id, reason) in ids)
        {
            var message = errors.SingleOrDefault(m => m.BasicProperties.MessageId == id);
            Assert.True(message is not null, $"update {id} ({reason}) is not in {Topology.UpdatesErrorQueue}");
            var fault = PlainAmqp.Header(message, "MT-Fault-Message");
            Assert.True(fault?.Contains(reason, StringComparison.Ordinal) == true, $"expected a reason containing '{reason}', got '{fault}'");
        }
    }

    [Fact]
    public async Task A_duplicate_update_changes_nothing()
    {
        var risk = await OpenRiskAsync();
        var update = Update(risk.RiskId, "Acknowledged");

        await PublishUpdateAsync(update);
        Assert.True(await WaitUntilAsync(async () => (await _worker.Register.FindRiskAsync(risk.RiskId, default))!.Risk.Status == RiskStatus.InTreatment));
        var before = (await _worker.Register.FindRiskAsync(risk.RiskId, default))!;
        await PublishUpdateAsync(update);
        await PublishUpdateAsync(Update(risk.RiskId, "Transferred"));
        Assert.True(await WaitUntilAsync(async () => (await _worker.Register.FindRiskAsync(risk.RiskId, default))!.Risk.Status == RiskStatus.Transferred));

        var after = (await _worker.Register.FindRiskAsync(risk.RiskId, default))!;
        Assert.Equal(before.History.Count + 1, after.History.Count);
        Assert.Single(after.History, h => h.UpdateId == Guid.Parse(update["updateId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_event_in_which_a_system_scoped_risk_no_longer_holds_resolves_it()
    {
        var statuses = await BindRiskEventsAsync("security.resolved");
        var system = $"fraud-{Guid.NewGuid():N}";
        var (vulnerable, vulnerableId) = RiskyEvent(system);
        await _amqp.PublishAsync(Body(vulnerable));
        Assert.NotNull(await WaitForAssessment(vulnerableId));
        var riskId = RiskIds.For(system, "SEC-002");
        Assert.Equal(RiskStatus.TreatmentRequested, (await _worker.Register.FindRiskAsync(riskId, default))!.Risk.Status);

        var (patched, patchedId) = RiskyEvent(system);
        patched["security"]!["criticalVulnerabilities"] = 0;
        await _amqp.PublishAsync(Body(patched));
        Assert.NotNull(await WaitForAssessment(patchedId));

        var detail = (await _worker.Register.FindRiskAsync(riskId, default))!;
        Assert.Equal(RiskStatus.Resolved, detail.Risk.Status);
        Assert.Contains(patchedId.ToString(), detail.History[^1].Reason, StringComparison.Ordinal);
        var received = await _amqp.TakeAsync(statuses, s => s.Any(m => Change(m).RiskId == riskId));
        Assert.Equal(RiskStatus.Resolved, Change(Assert.Single(received, m => Change(m).RiskId == riskId)).ToStatus);

        // A risk of the same system that the patched event still shows (the artifact is still unsigned) stays open.
        Assert.Equal(RiskStatus.TreatmentRequested, (await _worker.Register.FindRiskAsync(RiskIds.For(system, "SEC-001"), default))!.Risk.Status);
    }

    [Fact]
    public async Task An_expired_acceptance_reopens_the_risk_with_a_new_task()
    {
        var tasks = await _amqp.BindTaskQueueAsync();
        var risk = await OpenRiskAsync();
        var now = DateTimeOffset.UtcNow;
        var accept = Update(risk.RiskId, "Accepted");
        accept["acceptedUntil"] = now.AddSeconds(2).ToString("O");
        accept["occurredAt"] = now.ToString("O");

        await PublishUpdateAsync(accept);

        Assert.True(await WaitUntilAsync(async () => (await _worker.Register.FindRiskAsync(risk.RiskId, default))!.History.Any(h => h.Reason.StartsWith("acceptance expired", StringComparison.Ordinal))));
        var detail = (await _worker.Register.FindRiskAsync(risk.RiskId, default))!;
        Assert.Equal(RiskStatus.TreatmentRequested, detail.Risk.Status);
        Assert.NotEqual(risk.OpenTaskId, detail.Risk.OpenTaskId);
        var received = await _amqp.TakeAsync(tasks, t => t.Any(m => Task(m).TaskId == detail.Risk.OpenTaskId));
        var task = Task(Assert.Single(received, m => Task(m).TaskId == detail.Risk.OpenTaskId));
        Assert.Equal((risk.RiskId, risk.RuleId), (task.RiskId!.Value, task.RuleId));
        Assert.Contains("acceptance expired", task.Rationale, StringComparison.Ordinal);
        Assert.Single(detail.History, h => h.Reason.StartsWith("acceptance expired", StringComparison.Ordinal));
    }

    private static (JsonObject Json, Guid EventId) RiskyEvent(string system)
    {
        var json = JsonNode.Parse(RepositoryRoot.Example("credit-scoring.json"))!.AsObject();
        var eventId = Guid.NewGuid();
        json["eventId"] = eventId.ToString();
        json["system"]!["id"] = system;
        json["security"] = new JsonObject { ["artifactSigned"] = false, ["criticalVulnerabilities"] = 3, ["sbomAvailable"] = false };
        json["evaluation"] = new JsonObject { ["biasTestingPerformed"] = false, ["humanReviewCompleted"] = false };
        json["attributes"]!["ticket"] = "MLOPS-7781";
        json["changeType"] = "ModelDeployed";
        return (json, eventId);
    }

    private static JsonObject Update(Guid riskId, string action, (int Likelihood, int Impact)? residual = null)
    {
        var update = new JsonObject
        {
            ["updateId"] = Guid.NewGuid().ToString(),
            ["riskId"] = riskId.ToString(),
            ["action"] = action,
            ["actor"] = "owner@bank.example",
            ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        if (residual is { } r)
        {
            update["residualLikelihood"] = r.Likelihood;
            update["residualImpact"] = r.Impact;
        }

        return update;
    }

    private static byte[] Body(JsonObject json) => Encoding.UTF8.GetBytes(json.ToJsonString());

    private static RiskTreatmentRequested Task(BasicGetResult message) =>
        JsonSerializer.Deserialize<RiskTreatmentRequested>(message.Body.Span, ContractJson.Options)!;

    private static RiskStatusChanged Change(BasicGetResult message) =>
        JsonSerializer.Deserialize<RiskStatusChanged>(message.Body.Span, ContractJson.Options)!;

    /// <summary>A risk at or above the threshold, opened by a fresh system's event.</summary>
    private async Task<RiskRecord> OpenRiskAsync()
    {
        var system = $"lifecycle-{Guid.NewGuid():N}";
        var (json, eventId) = RiskyEvent(system);
        await _amqp.PublishAsync(Body(json));
        Assert.NotNull(await WaitForAssessment(eventId));
        var risks = await _worker.Register.QueryRisksAsync(new RiskQuery { SystemId = system, Status = RiskStatus.TreatmentRequested }, default);
        return risks.First(r => r.RuleId == "SEC-001");
    }

    private async Task<string> PublishUpdateAsync(JsonObject update)
    {
        var id = Guid.NewGuid().ToString();
        var properties = new BasicProperties { MessageId = id, DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
        await _amqp.Channel.BasicPublishAsync("", Topology.UpdatesQueue, mandatory: true, properties, Body(update));
        return id;
    }

    private async Task<string> BindRiskEventsAsync(string bindingKey = "#")
    {
        var queue = await _amqp.Channel.QueueDeclareAsync(RabbitMqFixture.UniqueName("risk-events"), durable: false, exclusive: true, autoDelete: true);
        await _amqp.Channel.QueueBindAsync(queue.QueueName, Topology.RiskEventsExchange, bindingKey);
        return queue.QueueName;
    }

    private async Task<AssessmentRecord?> WaitForAssessment(Guid eventId)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await _worker.Register.FindAssessmentAsync(eventId, default) is { } found)
            {
                return found;
            }

            await System.Threading.Tasks.Task.Delay(100);
        }

        return null;
    }

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return true;
            }

            await System.Threading.Tasks.Task.Delay(100);
        }

        return false;
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Impact;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>
/// An AI system impact assessment on a real broker, as an owner goes about it: an intended-use change opens the risk
/// that asks for one (ETH-004) with a task; the owner submits the completed draft; the worker publishes the risk's
/// resolution and counts the submission for later events of the same intended use.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class ImpactAssessmentEndToEndTests(RabbitMqFixture broker) : IAsyncLifetime
{
    private WorkerHost _worker = null!;
    private PlainAmqp _amqp = null!;

    public async Task InitializeAsync()
    {
        _worker = await WorkerHost.StartAsync(broker, new Dictionary<string, string?> { ["Risks:OutboxInterval"] = "00:00:00.2" });
        _amqp = await PlainAmqp.ConnectAsync(broker);
    }

    public async Task DisposeAsync()
    {
        await _amqp.DisposeAsync();
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task A_submitted_assessment_resolves_the_risk_that_asked_for_it_and_later_events_of_that_use_do_not_raise_it()
    {
        var tasks = await _amqp.BindTaskQueueAsync("ethics.#");
        var statuses = await BindRiskEventsAsync("ethics.resolved");
        var system = $"credit-decision-{Guid.NewGuid():N}";
        var riskId = RiskIds.For(system, "ETH-004");
        var (first, firstId) = IntendedUseChange(system);
        await _amqp.PublishAsync(Body(first));
        var opening = (await WaitForAssessment(firstId))!;
        var openingTask = opening.Entries.Single(e => e.RuleId == "ETH-004").TaskId;
        Assert.NotNull(openingTask);

        // The owner drafts from the system's latest input, completes the draft and submits it.
        var rules = _worker.Services.GetRequiredService<RuleSetProvider>().Current;
        var problems = new List<string>();
        var submission = await ImpactAssessmentSubmitter.SubmitAsync(
            _worker.Register, rules, Completed(opening, rules), ImpactAssessmentReader.Json, system, "owner@bank.example", "cro@bank.example", DateTimeOffset.UtcNow, problems, default);

        Assert.True(submission is not null, string.Join("; ", problems));
        Assert.Equal(riskId, Assert.Single(submission.Resolutions).Next.RiskId);
        var resolved = await _amqp.TakeAsync(statuses, s => s.Any(m => Change(m).RiskId == riskId));
        var message = Assert.Single(resolved, m => Change(m).RiskId == riskId);
        var change = Change(message);
        Assert.Equal((RiskStatus.TreatmentRequested, RiskStatus.Resolved, "owner@bank.example"), (change.FromStatus!.Value, change.ToStatus, change.Actor));
        Assert.Equal(submission.Resolutions[0].History.ChangeId.ToString(), message.BasicProperties.MessageId);

        // A later change to the same intended use is assessed with the submission, and its stored input says so.
        var (later, laterId) = IntendedUseChange(system);
        await _amqp.PublishAsync(Body(later));
        var laterAssessment = (await WaitForAssessment(laterId))!;
        Assert.DoesNotContain(laterAssessment.Entries, e => e.RuleId == "ETH-004");
        var input = JsonSerializer.Deserialize<AiSystemChanged>(laterAssessment.Payload, ContractJson.Options)!;
        Assert.Equal(submission.Stored.AssessmentId.ToString(), input.Attributes![ImpactAssessmentEvidence.IdAttribute].Text);

        // The first event delivered again is the event assessed before the submission, not a conflicting one: its task
        // is republished with the same id, and the risk stays resolved.
        await _amqp.PublishAsync(Body(first));
        var received = await _amqp.TakeAsync(tasks, t => t.Count(m => Task(m).TaskId == openingTask) >= 2);
        Assert.Equal(2, received.Count(m => Task(m).TaskId == openingTask));
        Assert.DoesNotContain(received, m => Task(m).EventId == laterId);
        Assert.Equal(RiskStatus.Resolved, (await _worker.Register.FindRiskAsync(riskId, default))!.Risk.Status);
    }

    /// <summary>The automated credit decision's intended use changing, with no word on an impact assessment.</summary>
    private static (JsonObject Json, Guid EventId) IntendedUseChange(string system)
    {
        var json = JsonNode.Parse(RepositoryRoot.Example("automated-credit-decision.json"))!.AsObject();
        var eventId = Guid.NewGuid();
        json["eventId"] = eventId.ToString();
        json["system"]!["id"] = system;
        json["changeType"] = "IntendedUseChanged";
        json["occurredAt"] = DateTimeOffset.UtcNow.ToString("O");
        _ = json["attributes"]!.AsObject().Remove(ImpactAssessmentEvidence.CompletedAttribute);
        return (json, eventId);
    }

    /// <summary>The JSON draft of the recorded input, completed as its owner would.</summary>
    private static byte[] Completed(AssessmentRecord recorded, RuleSet rules)
    {
        var change = JsonSerializer.Deserialize<AiSystemChanged>(recorded.Payload, ContractJson.Options)!;
        var draft = ImpactAssessmentDraft.From(new RiskEvaluator(TimeProvider.System).Evaluate(change, rules), DateTimeOffset.UtcNow);
        var json = JsonSerializer.SerializeToNode(draft, ContractJson.Options)!.AsObject();
        json["benefits"] = "Decisions in minutes for applicants; the same criteria for everyone.";
        json["consulted"] = new JsonArray("DPO", "Consumer panel");
        json["additionalImpacts"] = "None identified beyond the findings: marketing use is excluded by purpose limitation.";
        json["reviewBy"] = DateTimeOffset.UtcNow.AddDays(180).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var impact in json["individualImpacts"]!.AsArray().Concat(json["societalImpacts"]!.AsArray()))
        {
            impact!["decision"] = "mitigate by the end of the quarter; the credit risk committee approves the plan";
        }

        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private static byte[] Body(JsonObject json) => Encoding.UTF8.GetBytes(json.ToJsonString());

    private static RiskTreatmentRequested Task(BasicGetResult message) =>
        JsonSerializer.Deserialize<RiskTreatmentRequested>(message.Body.Span, ContractJson.Options)!;

    private static RiskStatusChanged Change(BasicGetResult message) =>
        JsonSerializer.Deserialize<RiskStatusChanged>(message.Body.Span, ContractJson.Options)!;

    private async Task<string> BindRiskEventsAsync(string bindingKey)
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
}

using System.Text;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// N distinct events built from the shipped examples (a new eventId each, and a system of its own, so that each event
/// opens its own risks and requests their tasks), with what the evaluator says each must produce: its rule ids and
/// the task ids of the findings that need treatment.
/// </summary>
public sealed class EventBatch
{
    private EventBatch(IReadOnlyList<ExpectedEvent> events) => Events = events;

    public IReadOnlyList<ExpectedEvent> Events { get; }

    public int Count => Events.Count;

    public IEnumerable<Guid> TaskIds => Events.SelectMany(e => e.TaskIds);

    public static EventBatch Create(int count)
    {
        var ruleSet = RuleSetLoader.Load(RepositoryRoot.Rules);
        var evaluator = new RiskEvaluator(TimeProvider.System);
        var examples = Directory.GetFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonNode.Parse(File.ReadAllBytes(f))!.AsObject()).ToList();
        var events = new List<ExpectedEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var json = examples[i % examples.Count].DeepClone().AsObject();
            var eventId = Guid.NewGuid();
            json["eventId"] = eventId.ToString();
            json["system"]!["id"] = $"{json["system"]!["id"]}-{i}";
            var body = Encoding.UTF8.GetBytes(json.ToJsonString());
            var findings = evaluator.Evaluate(AiSystemChangedReader.Read(body, TimeProvider.System), ruleSet).Findings;
            events.Add(new ExpectedEvent(
                eventId,
                body,
                [.. findings.Select(f => f.RuleId).Order(StringComparer.Ordinal)],
                [.. findings.Where(f => f.TaskId is not null).Select(f => f.TaskId!.Value)]));
        }

        return new EventBatch(events);
    }

    /// <summary>
    /// Publishes <paramref name="events"/> as persistent messages to the input queue with publisher confirms,
    /// at most <paramref name="inFlight"/> unconfirmed at a time; returns once the broker confirmed every one.
    /// </summary>
    public static async Task PublishAsync(IConnection connection, IEnumerable<ExpectedEvent> events, int inFlight = 200)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        foreach (var batch in events.Chunk(inFlight))
        {
            await Task.WhenAll(batch.Select(async e =>
            {
                var properties = new BasicProperties { MessageId = e.EventId.ToString(), ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
                await channel.BasicPublishAsync("", Topology.InputQueue, mandatory: true, properties, e.Body);
            }));
        }
    }

    public sealed record ExpectedEvent(Guid EventId, byte[] Body, IReadOnlyList<string> RuleIds, IReadOnlyList<Guid> TaskIds);
}

using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Observability;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Consumes <c>aims.risk.ai-system-changes</c>: reads the event strictly, assesses and records it, then
/// publishes a <see cref="RiskTreatmentRequested"/> per risk the event opened or escalated and a
/// <see cref="RiskStatusChanged"/> per transition of a risk. The publishes are held
/// by the in-memory outbox until this method returns, i.e. after the register's transaction committed.
/// </summary>
public sealed partial class AiSystemChangedConsumer(
    ChangeAssessor assessor,
    IOptions<RiskWorkerOptions> options,
    TimeProvider clock,
    RiskMetrics metrics,
    ILogger<AiSystemChangedConsumer> logger) : IConsumer<AiSystemChangedBody>
{
    private const string EnvelopeMediaType = "application/vnd.masstransit+json";

    public async Task Consume(ConsumeContext<AiSystemChangedBody> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        AiSystemChanged change;
        try
        {
            change = AiSystemChangedReader.Read(Body(context.ReceiveContext), clock, options.Value.MaxMessageBytes);
        }
        catch (InvalidEventException ex)
        {
            metrics.EventRejected("invalid");
            LogRejected(context.MessageId, ex.Message);
            throw;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["EventId"] = change.EventId, ["SystemId"] = change.System.Id });
        using var activity = RiskMetrics.ActivitySource.StartActivity("assess AiSystemChanged");
        activity?.SetTag("aims_risk.event_id", change.EventId);
        activity?.SetTag("aims_risk.system_id", change.System.Id);

        var outcome = await assessor.AssessAsync(change, context.CancellationToken);
        if (outcome.Tasks.Count > 0 || outcome.Changes.Count > 0)
        {
            // The outbox sends these after this method returns. A send whose broker connection died can wait for
            // its confirmation for ever, holding a concurrency slot; bounded, it fails, the message is retried and,
            // once the broker is back, republishes the same task ids (the register answers as a duplicate).
#pragma warning disable CA2000 // Not disposed on purpose: the deferred sends use the token after this method returns.
            var publishTimeout = new CancellationTokenSource(options.Value.PublishTimeout);
#pragma warning restore CA2000
            foreach (var task in outcome.Tasks)
            {
                await context.Publish(task, publish => publish.MessageId = task.TaskId, publishTimeout.Token);
            }

            foreach (var statusChange in outcome.Changes)
            {
                await context.Publish(statusChange, publish => publish.MessageId = statusChange.ChangeId, publishTimeout.Token);
            }
        }

        metrics.TasksPublished(outcome.Tasks.Count);
        foreach (var error in outcome.Assessment.Errors)
        {
            LogRuleError(error.RuleId, error.Message);
        }

        LogAssessed(change.EventId, change.System.Id, outcome.IsDuplicate, outcome.Entries.Count, outcome.Tasks.Count, outcome.Assessment.RuleSetVersion);
    }

    /// <summary>The event's bytes: the body itself, the data of a CloudEvent, or the <c>message</c> of a MassTransit envelope.</summary>
    private static ReadOnlySpan<byte> Body(ReceiveContext receive)
    {
        var body = receive.Body.GetBytes();
        if (CloudEventReader.TryUnwrap(receive.ContentType?.MediaType, receive.TransportHeaders.GetAll(), body) is { } cloudEventData)
        {
            return cloudEventData;
        }

        if (receive.ContentType?.MediaType != EnvelopeMediaType)
        {
            return body;
        }

        try
        {
            using var envelope = JsonDocument.Parse(body);
            return envelope.RootElement.TryGetProperty("message", out var message)
                ? JsonSerializer.SerializeToUtf8Bytes(message)
                : throw new InvalidEventException("the MassTransit envelope has no 'message'");
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"the MassTransit envelope is not valid JSON: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Assessed event {EventId} of system {SystemId}: duplicate={Duplicate}, {EntryCount} entries, {TaskCount} tasks, rule set {RuleSetVersion}")]
    private partial void LogAssessed(Guid eventId, string systemId, bool duplicate, int entryCount, int taskCount, string ruleSetVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} refused to the error queue: {Reason}")]
    private partial void LogRejected(Guid? messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {RuleId} failed to evaluate and counted as not fired: {Problem}")]
    private partial void LogRuleError(string ruleId, string problem);
}

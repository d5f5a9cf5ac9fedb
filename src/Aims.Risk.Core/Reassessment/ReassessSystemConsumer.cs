using Aims.Risk.Core.Consumers;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Reassessment;

/// <summary>
/// Consumes <c>aims.risk.reassessments</c>: re-assesses one system and publishes the tasks and status events of what
/// changed, after the register's transaction committed, exactly as <see cref="AiSystemChangedConsumer"/> does.
/// </summary>
public sealed partial class ReassessSystemConsumer(
    Reassessor reassessor,
    IOptions<RiskWorkerOptions> options,
    ReassessmentMetrics metrics,
    ILogger<ReassessSystemConsumer> logger) : IConsumer<ReassessSystem>
{
    public async Task Consume(ConsumeContext<ReassessSystem> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var outcome = await reassessor.ReassessAsync(message, context.CancellationToken);
        if (outcome.Skipped is not null)
        {
            LogSkipped(message.SystemId, message.RunId, outcome.Skipped);
            metrics.SystemReassessed(skipped: true);
            return;
        }

        if (outcome.Tasks.Count > 0 || outcome.Changes.Count > 0)
        {
#pragma warning disable CA2000 // Not disposed on purpose: the deferred sends use the token after this method returns.
            var publishTimeout = new CancellationTokenSource(options.Value.PublishTimeout);
#pragma warning restore CA2000
            foreach (var task in outcome.Tasks)
            {
                await context.Publish(task, publish => publish.MessageId = task.TaskId, publishTimeout.Token);
            }

            foreach (var change in outcome.Changes)
            {
                await context.Publish(change, publish => publish.MessageId = change.ChangeId, publishTimeout.Token);
            }
        }

        metrics.SystemReassessed(skipped: false);
        LogReassessed(message.SystemId, message.RunId, outcome.DerivedEventId!.Value, outcome.IsDuplicate, outcome.Tasks.Count, outcome.Changes.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-assessed system {SystemId} (run {RunId}) as event {EventId}: duplicate={Duplicate}, {TaskCount} tasks, {ChangeCount} status changes")]
    private partial void LogReassessed(string systemId, Guid runId, Guid eventId, bool duplicate, int taskCount, int changeCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped re-assessing system {SystemId} (run {RunId}): {Reason}")]
    private partial void LogSkipped(string systemId, Guid runId, string reason);
}

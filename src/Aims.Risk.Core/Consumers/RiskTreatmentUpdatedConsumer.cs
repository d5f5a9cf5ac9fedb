using Aims.Risk.Core.Observability;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// Consumes <c>aims.risk.treatment-updates</c>: an owner's update of a risk, applied by the lifecycle in one transaction
/// with its history row and its status event in the outbox (the relay publishes it). A bad update — unknown risk,
/// illegal transition, missing approver or expiry, residual above inherent — goes to the error queue with the reason.
/// </summary>
public sealed partial class RiskTreatmentUpdatedConsumer(
    IRiskRegister register,
    RuleSetProvider rules,
    OutboxSignal outbox,
    TimeProvider clock,
    ILogger<RiskTreatmentUpdatedConsumer> logger) : IConsumer<RiskTreatmentUpdatedBody>
{
    public async Task Consume(ConsumeContext<RiskTreatmentUpdatedBody> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var update = TreatmentUpdateReader.Read(context.ReceiveContext.Body.GetBytes());
        var criteria = rules.Current.Criteria;
        var outcome = await register.TransitionAsync(
            update.RiskId,
            update.TaskId,
            update.UpdateId,
            risk => RiskLifecycle.Apply(risk, update, criteria, clock.GetUtcNow()),
            context.CancellationToken);
        if (outcome.Applied is { } applied)
        {
            outbox.Raise();
            LogApplied(update.UpdateId, applied.Next.RiskId, applied.History.FromStatus, applied.History.ToStatus, update.Actor);
        }
        else
        {
            LogDuplicate(update.UpdateId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Update {UpdateId} moved risk {RiskId} from {FromStatus} to {ToStatus} (by {Actor})")]
    private partial void LogApplied(Guid updateId, Guid riskId, Contracts.RiskStatus? fromStatus, Contracts.RiskStatus toStatus, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Update {UpdateId} was applied before: nothing changed")]
    private partial void LogDuplicate(Guid updateId);
}

using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// The time-driven transitions: an acceptance past its expiry reopens its risk with a new task; a treatment past due is
/// announced once. Every replica sweeps; the ids of these transitions are derived from the risk and the date, and each
/// applies only to the risk version it read, so two replicas never reopen twice or task twice.
/// </summary>
public sealed partial class RiskSweepService(
    IRiskRegister register,
    RuleSetProvider rules,
    OutboxSignal outbox,
    TimeProvider clock,
    IOptions<RiskLifecycleOptions> options,
    ILogger<RiskSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed sweep is repeated at the next interval; nothing is lost meanwhile.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSweepFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>One sweep; returns the transitions it applied.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var criteria = rules.Current.Criteria;
        var applied = 0;
        foreach (var risk in await register.ReadDueRisksAsync(now, options.Value.SweepBatch, cancellationToken))
        {
            var outcome = await register.TransitionAsync(
                risk.RiskId,
                taskId: null,
                updateId: null,
                current => RiskLifecycle.Expire(current, criteria, now) ?? RiskLifecycle.Overdue(current, now),
                cancellationToken);
            if (outcome.Applied is { } transition)
            {
                applied++;
                LogTransition(transition.Next.RiskId, transition.History.Reason);
            }
        }

        if (applied > 0)
        {
            outbox.Raise();
        }

        return applied;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Risk {RiskId}: {Reason}")]
    private partial void LogTransition(Guid riskId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The risk sweep failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}

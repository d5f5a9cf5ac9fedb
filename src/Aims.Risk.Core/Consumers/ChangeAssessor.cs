using System.Data.Common;
using System.Diagnostics;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Impact;
using Aims.Risk.Core.Observability;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// What happens to one change event, apart from messaging: evaluate it against the active rule set (with the system's
/// submitted impact assessment as evidence the event may lack, see <see cref="ImpactAssessmentEvidence"/>), record the
/// assessment, its entries and what they do to the system's risks in one transaction, and build the treatment tasks
/// and status events from what is stored — so a redelivered event yields the very same ones, even after the rule
/// set changed in between.
/// </summary>
public sealed class ChangeAssessor(RuleSetProvider rules, RiskEvaluator evaluator, IRiskRegister register, StoreWriteMonitor writes, RiskMetrics metrics)
{
    public async Task<ChangeOutcome> AssessAsync(AiSystemChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var started = Stopwatch.GetTimestamp();
        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(evaluator, register, change, rules.Current, cancellationToken);
        metrics.Evaluated(Stopwatch.GetElapsedTime(started));

        RecordResult result;
        try
        {
            result = await register.RecordAsync(RegisterMapping.ToRecord(assessment), cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException)
        {
            writes.Failed(ex);
            throw;
        }

        writes.Succeeded();
        metrics.EventAssessed(result.IsDuplicate);
        if (!result.IsDuplicate)
        {
            foreach (var entry in result.Entries)
            {
                metrics.Finding(entry.Level, entry.Category);
            }
        }

        var tasks = result.Entries
            .Where(e => e.TaskId is not null)
            .Select(e => RegisterMapping.ToTask(e, assessment.Change))
            .ToList();
        return new ChangeOutcome(result.IsDuplicate, assessment, result.Entries, tasks, result.Changes);
    }
}

using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Observability;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// What happens to one change event, apart from messaging: evaluate it against the active rule set, record the
/// assessment and its entries in one transaction, and build the treatment tasks from what is stored — so a
/// redelivered event yields the very same tasks, even after the rule set changed in between.
/// </summary>
public sealed class ChangeAssessor(RuleSetProvider rules, RiskEvaluator evaluator, IRiskRegister register, StoreWriteMonitor writes, RiskMetrics metrics)
{
    public async Task<ChangeOutcome> AssessAsync(AiSystemChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var started = Stopwatch.GetTimestamp();
        var assessment = evaluator.Evaluate(change, rules.Current);
        metrics.Evaluated(Stopwatch.GetElapsedTime(started));

        RecordResult result;
        try
        {
            result = await register.RecordAsync(ToRecord(assessment), cancellationToken);
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
            .Select(e => ToTask(e, change))
            .ToList();
        return new ChangeOutcome(result.IsDuplicate, assessment, result.Entries, tasks);
    }

    /// <summary>The payload as stored: re-serialised with sorted attributes, so equal events compare equal.</summary>
    public static string CanonicalPayload(AiSystemChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var canonical = change.Attributes is { Count: > 1 } attributes
            ? change with { Attributes = new SortedDictionary<string, AttributeValue>(attributes.ToDictionary(), StringComparer.Ordinal) }
            : change;
        return JsonSerializer.Serialize(canonical, ContractJson.Options);
    }

    internal static AssessmentRecord ToRecord(EventAssessment assessment)
    {
        var change = assessment.Change;
        return new AssessmentRecord
        {
            EventId = change.EventId,
            SystemId = change.System.Id,
            ChangeType = change.ChangeType.ToString(),
            OccurredAt = change.OccurredAt,
            AssessedAt = assessment.AssessedAt,
            RuleSetVersion = assessment.RuleSetVersion,
            RuleSetHash = assessment.RuleSetHash,
            Payload = CanonicalPayload(change),
            Entries = [.. assessment.Findings.Select(f => new RiskEntryRecord
            {
                Id = TaskIds.For(change.EventId, f.RuleId),
                EventId = change.EventId,
                SystemId = change.System.Id,
                RuleId = f.RuleId,
                Category = f.Category,
                Title = f.Title,
                Rationale = f.Rationale,
                Likelihood = f.Likelihood,
                Impact = f.Impact,
                Score = f.Score,
                Level = f.Level,
                Treatment = f.Treatment,
                Controls = f.Controls,
                Status = f.RequiresTreatment ? RiskEntryStatus.TreatmentRequested : RiskEntryStatus.Accepted,
                TaskId = f.TaskId,
                DueBy = f.DueBy,
                RuleSetVersion = assessment.RuleSetVersion,
                RuleSetHash = assessment.RuleSetHash,
                CreatedAt = assessment.AssessedAt,
            })],
        };
    }

    internal static RiskTreatmentRequested ToTask(RiskEntryRecord entry, AiSystemChanged change) => new()
    {
        TaskId = entry.TaskId!.Value,
        EventId = entry.EventId,
        SystemId = entry.SystemId,
        SystemName = change.System.Name,
        Owner = change.System.Owner,
        Category = entry.Category,
        RuleId = entry.RuleId,
        RuleSetVersion = entry.RuleSetVersion,
        RuleSetHash = entry.RuleSetHash,
        Title = entry.Title,
        Rationale = entry.Rationale,
        Likelihood = entry.Likelihood,
        Impact = entry.Impact,
        Score = entry.Score,
        Level = entry.Level,
        Treatment = entry.Treatment,
        Controls = entry.Controls,
        DueBy = entry.DueBy ?? entry.CreatedAt,
        CreatedAt = entry.CreatedAt,
    };
}

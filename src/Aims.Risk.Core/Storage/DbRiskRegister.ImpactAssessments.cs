using System.Data.Common;
using Aims.Risk.Core.Risks;

namespace Aims.Risk.Core.Storage;

/// <summary>Submitted AI system impact assessments: append-only versions per system, linked to the risks they cover.</summary>
public abstract partial class DbRiskRegister
{
    private static readonly string[] ContentFormats = ["md", "json"];

    public async Task<ImpactAssessmentRecord?> FindCurrentImpactAssessmentAsync(string systemId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(systemId);
        return await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadLatestImpactAssessmentAsync(connection, transaction: null, systemId, token);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<ImpactAssessmentRecord>> ReadImpactAssessmentsAsync(string systemId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(systemId);
        return await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadImpactAssessmentsAsync(connection, systemId, token);
            },
            cancellationToken);
    }

    public async Task<ImpactAssessmentSubmission> SubmitImpactAssessmentAsync(
        ImpactAssessmentRecord assessment,
        IReadOnlyCollection<string> coveredRuleIds,
        Func<ImpactAssessmentRecord, RiskRecord, string?, RiskTransition?> resolve,
        CancellationToken cancellationToken)
    {
        EnsureStorable(assessment);
        ArgumentNullException.ThrowIfNull(coveredRuleIds);
        ArgumentNullException.ThrowIfNull(resolve);
        return await pipeline.ExecuteAsync(
            async token =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await SubmitOnceAsync(assessment, coveredRuleIds, resolve, token);
                    }
                    catch (Exception ex) when (attempt < ConcurrencyAttempts && IsLostRace(ex))
                    {
                        // Another submission took the version, or an event changed a risk first: number and decide again.
                    }
                }
            },
            cancellationToken);
    }

    /// <summary>The system's latest version, without its risks, or null; with a transaction, it blocks other submitters of the system until it ends.</summary>
    protected abstract Task<ImpactAssessmentRecord?> ReadLatestImpactAssessmentAsync(DbConnection connection, DbTransaction? transaction, string systemId, CancellationToken cancellationToken);

    protected abstract Task InsertImpactAssessmentAsync(DbConnection connection, DbTransaction transaction, ImpactAssessmentRecord assessment, CancellationToken cancellationToken);

    protected abstract Task InsertImpactAssessmentRiskAsync(DbConnection connection, DbTransaction transaction, Guid assessmentId, ImpactAssessmentRisk link, CancellationToken cancellationToken);

    /// <summary>Every version of the system's assessment, newest first, with its risks.</summary>
    protected abstract Task<IReadOnlyList<ImpactAssessmentRecord>> ReadImpactAssessmentsAsync(DbConnection connection, string systemId, CancellationToken cancellationToken);

    /// <summary>Refuses what the columns could not store, before anything is written.</summary>
    private static void EnsureStorable(ImpactAssessmentRecord assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        Bounded(assessment.SystemId, ColumnLimits.SystemId, nameof(assessment.SystemId));
        Bounded(assessment.RuleSetVersion, ColumnLimits.RuleSetVersion, nameof(assessment.RuleSetVersion));
        Bounded(assessment.RuleSetHash, ColumnLimits.RuleSetHash, nameof(assessment.RuleSetHash));
        Bounded(assessment.ContentHash, ColumnLimits.ContentHash, nameof(assessment.ContentHash));
        Bounded(assessment.SubmittedBy, ColumnLimits.Actor, nameof(assessment.SubmittedBy));
        ArgumentException.ThrowIfNullOrWhiteSpace(assessment.Purpose, nameof(assessment));
        ArgumentNullException.ThrowIfNull(assessment.Content, nameof(assessment));
        if (assessment.ApprovedBy is not null)
        {
            Bounded(assessment.ApprovedBy, ColumnLimits.Actor, nameof(assessment.ApprovedBy));
        }

        if (assessment.ModelVersion is not null)
        {
            Bounded(assessment.ModelVersion, ColumnLimits.ModelVersion, nameof(assessment.ModelVersion));
        }

        if (!ContentFormats.Contains(assessment.ContentFormat))
        {
            throw new ArgumentException($"ContentFormat must be md or json, not '{assessment.ContentFormat}'", nameof(assessment));
        }

        static void Bounded(string? value, int limit, string name)
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > limit)
            {
                throw new ArgumentException($"{name} must have 1 to {limit} characters", nameof(assessment));
            }
        }
    }

    private async Task<ImpactAssessmentSubmission> SubmitOnceAsync(
        ImpactAssessmentRecord assessment,
        IReadOnlyCollection<string> coveredRuleIds,
        Func<ImpactAssessmentRecord, RiskRecord, string?, RiskTransition?> resolve,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenForWriteAsync(cancellationToken);

        // The inputs the open risks last fired on, read before the transaction: locking an event's row inside it, after
        // the risks, would take locks in the opposite order to the event's own transaction. A risk that fires again
        // meanwhile has another latest event, and the attempt is made again.
        var payloads = new Dictionary<Guid, string?>();
        foreach (var open in (await ReadRisksAsync(connection, new RiskQuery { SystemId = assessment.SystemId }, cancellationToken)).Where(r => r.IsOpen))
        {
            if (!payloads.ContainsKey(open.LastEventId))
            {
                payloads[open.LastEventId] = await ReadPayloadAsync(connection, transaction: null, open.LastEventId, cancellationToken);
            }
        }

        await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
        var latest = await ReadLatestImpactAssessmentAsync(connection, transaction, assessment.SystemId, cancellationToken);
        var stored = assessment with { Version = (latest?.Version ?? 0) + 1, Risks = [] };
        await InsertImpactAssessmentAsync(connection, transaction, stored, cancellationToken);

        var links = new List<ImpactAssessmentRisk>();
        var resolutions = new List<RiskTransition>();
        var risks = await ReadRisksOfSystemAsync(connection, transaction, stored.SystemId, cancellationToken);
        foreach (var risk in risks.OrderBy(r => r.RuleId, StringComparer.Ordinal))
        {
            RiskTransition? transition = null;
            if (risk.IsOpen)
            {
                if (!payloads.TryGetValue(risk.LastEventId, out var payload))
                {
                    throw new RiskConcurrencyException($"risk {risk.RiskId} fired again while impact assessment {stored.AssessmentId} was being submitted");
                }

                transition = resolve(stored, risk, payload);
            }

            if (transition is not null)
            {
                if (transition.History.TaskId is not null || transition.Next.RiskId != risk.RiskId)
                {
                    throw new InvalidOperationException($"a submission's transition of risk {risk.RiskId} must be of that risk and request no task");
                }

                if (!await UpdateRiskAsync(connection, transaction, transition.Next, risk.Version, cancellationToken))
                {
                    throw new RiskConcurrencyException($"risk {risk.RiskId} changed while impact assessment {stored.AssessmentId} was being submitted");
                }

                await InsertHistoryAsync(connection, transaction, transition.History, cancellationToken);
                var change = RegisterMapping.ToStatusChanged(transition.History, transition.Next);
                await InsertOutboxAsync(connection, transaction, Outbox(change.ChangeId, change, transition.History.At), cancellationToken);
                resolutions.Add(transition);
            }

            if (transition is not null || coveredRuleIds.Contains(risk.RuleId, StringComparer.Ordinal))
            {
                var link = new ImpactAssessmentRisk(risk.RiskId, Resolved: transition is not null);
                await InsertImpactAssessmentRiskAsync(connection, transaction, stored.AssessmentId, link, cancellationToken);
                links.Add(link);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new ImpactAssessmentSubmission(stored with { Risks = links }, resolutions);
    }
}

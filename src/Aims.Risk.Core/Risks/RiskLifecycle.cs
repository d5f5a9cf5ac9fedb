using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Risks;

/// <summary>
/// The state machine of a risk for what people and time do to it (docs/risk-lifecycle.md draws it): an owner's
/// update moves a risk only along the allowed edges, and is refused with a reason naming both states otherwise;
/// an acceptance that expires reopens the risk; a treatment past due is announced once.
/// </summary>
public static class RiskLifecycle
{
    /// <summary>The actor of transitions that time causes.</summary>
    public const string SweepActor = "aims-risk-sweep";

    /// <summary>The longest comment kept: with the evidence it must fit the history's reason column.</summary>
    public const int MaxCommentLength = 900;

    /// <summary>At most this many evidence links of at most <see cref="MaxEvidenceLength"/> characters each.</summary>
    public const int MaxEvidenceCount = 5;

    public const int MaxEvidenceLength = 150;

    private static readonly RiskStatus[] Treating = [RiskStatus.TreatmentRequested, RiskStatus.InTreatment];

    /// <summary>For each action, the statuses it may start from.</summary>
    private static readonly Dictionary<TreatmentAction, RiskStatus[]> AllowedFrom = new()
    {
        [TreatmentAction.Acknowledged] = [RiskStatus.TreatmentRequested],
        [TreatmentAction.Mitigated] = Treating,
        [TreatmentAction.Accepted] = [RiskStatus.TreatmentRequested, RiskStatus.InTreatment, RiskStatus.Treated],
        [TreatmentAction.Transferred] = Treating,
        [TreatmentAction.Avoided] = Treating,
        [TreatmentAction.Reopened] = [RiskStatus.Tolerated, RiskStatus.Treated, RiskStatus.Accepted, RiskStatus.Transferred, RiskStatus.Avoided, RiskStatus.Resolved],
    };

    /// <summary>The statuses an action leads to, for the documentation and the refusal messages.</summary>
    public static IReadOnlyList<RiskStatus> From(TreatmentAction action) => AllowedFrom[action];

    /// <summary>Decides an owner's update on the risk as it stands; throws <see cref="RiskUpdateRefusedException"/> when it is not allowed.</summary>
    public static RiskTransition Apply(RiskRecord risk, RiskTreatmentUpdated update, RiskCriteria criteria, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(risk);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(criteria);
        if (string.IsNullOrWhiteSpace(update.Actor))
        {
            throw new RiskUpdateRefusedException("actor is required: who decided");
        }

        if (update.Actor.Length > ColumnLimits.Actor)
        {
            throw new RiskUpdateRefusedException($"actor is {update.Actor.Length} characters; at most {ColumnLimits.Actor} are kept");
        }

        if (update.Comment is { Length: > MaxCommentLength } comment)
        {
            throw new RiskUpdateRefusedException($"comment is {comment.Length} characters; at most {MaxCommentLength} are kept");
        }

        if (update.Evidence is { } links && (links.Count > MaxEvidenceCount || links.Any(e => e.Length > MaxEvidenceLength)))
        {
            throw new RiskUpdateRefusedException($"evidence: at most {MaxEvidenceCount} links of at most {MaxEvidenceLength} characters each");
        }

        if (!AllowedFrom.TryGetValue(update.Action, out var from))
        {
            throw new RiskUpdateRefusedException($"action '{update.Action}' is not a treatment action");
        }

        var target = Target(risk, update, criteria);
        if (!from.Contains(risk.Status))
        {
            throw new RiskUpdateRefusedException(
                $"illegal transition for risk {risk.RiskId} ({risk.RuleId} of {risk.SystemId}): {update.Action} cannot move it from {risk.Status} to {target}; allowed from {string.Join(", ", from)}");
        }

        var next = risk with { Status = target, Version = risk.Version + 1 };
        Guid? taskId = null;
        switch (update.Action)
        {
            case TreatmentAction.Mitigated:
                var residualLevel = criteria.LevelOf(update.ResidualLikelihood!.Value, update.ResidualImpact!.Value);
                next = next with { ResidualLikelihood = update.ResidualLikelihood, ResidualImpact = update.ResidualImpact, ResidualLevel = residualLevel };
                break;
            case TreatmentAction.Accepted:
                next = next with { AcceptedBy = update.Actor, AcceptedUntil = update.AcceptedUntil, OpenTaskId = null };
                break;
            case TreatmentAction.Transferred or TreatmentAction.Avoided:
                next = next with { OpenTaskId = null };
                break;
            case TreatmentAction.Reopened:
                taskId = RiskIds.TaskOf(RiskIds.ChangeByUpdate(risk.RiskId, update.UpdateId));
                next = next with
                {
                    AcceptedBy = null,
                    AcceptedUntil = null,
                    OpenTaskId = taskId,
                    DueBy = now.AddDays(criteria.DueDays(risk.Level)),
                    OverdueNoticeFor = null,
                };
                break;
            case TreatmentAction.Acknowledged:
                break;
        }

        if (next.Status == RiskStatus.Treated)
        {
            next = next with { OpenTaskId = null };
        }

        var reason = update.Action switch
        {
            TreatmentAction.Mitigated when target == RiskStatus.Treated => $"mitigated: residual {next.ResidualLevel} is below the acceptance threshold {criteria.AcceptanceThreshold}",
            TreatmentAction.Mitigated => $"mitigated, but residual {next.ResidualLevel} is still at or above the acceptance threshold {criteria.AcceptanceThreshold}: treatment goes on",
            TreatmentAction.Accepted => $"accepted by {update.Actor} until {update.AcceptedUntil:yyyy-MM-dd}",
            _ => update.Action.ToString().ToLowerInvariant(),
        };
        if (!string.IsNullOrWhiteSpace(update.Comment))
        {
            reason += $": {update.Comment}";
        }

        if (update.Evidence is { Count: > 0 } evidence)
        {
            reason += $" (evidence: {string.Join(", ", evidence)})";
        }

        return new RiskTransition(next, new RiskHistoryRecord
        {
            ChangeId = RiskIds.ChangeByUpdate(risk.RiskId, update.UpdateId),
            RiskId = risk.RiskId,
            At = now,
            FromStatus = risk.Status,
            ToStatus = next.Status,
            Actor = update.Actor,
            Reason = reason,
            UpdateId = update.UpdateId,
            Level = next.Level,
            ResidualLevel = next.ResidualLevel,
            TaskId = taskId,
        });
    }

    /// <summary>An acceptance past its date reopens the risk with a new task; null when it has not expired.</summary>
    public static RiskTransition? Expire(RiskRecord risk, RiskCriteria criteria, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(risk);
        ArgumentNullException.ThrowIfNull(criteria);
        if (risk.Status != RiskStatus.Accepted || risk.AcceptedUntil is not { } until || until > now)
        {
            return null;
        }

        var changeId = RiskIds.ChangeByExpiry(risk.RiskId, until);
        var taskId = RiskIds.TaskOf(changeId);
        var next = risk with
        {
            Status = RiskStatus.TreatmentRequested,
            AcceptedBy = null,
            AcceptedUntil = null,
            OpenTaskId = taskId,
            DueBy = now.AddDays(criteria.DueDays(risk.Level)),
            OverdueNoticeFor = null,
            Version = risk.Version + 1,
        };
        return new RiskTransition(next, new RiskHistoryRecord
        {
            ChangeId = changeId,
            RiskId = risk.RiskId,
            At = now,
            FromStatus = risk.Status,
            ToStatus = next.Status,
            Actor = SweepActor,
            Reason = $"acceptance expired on {until:yyyy-MM-dd} (accepted by {risk.AcceptedBy})",
            Level = next.Level,
            ResidualLevel = next.ResidualLevel,
            TaskId = taskId,
        });
    }

    /// <summary>A treatment past its due date, announced once per due date; null when not due or already announced.</summary>
    public static RiskTransition? Overdue(RiskRecord risk, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(risk);
        if (!Treating.Contains(risk.Status) || risk.DueBy is not { } due || due > now || risk.OverdueNoticeFor == due)
        {
            return null;
        }

        var next = risk with { OverdueNoticeFor = due, Version = risk.Version + 1 };
        return new RiskTransition(next, new RiskHistoryRecord
        {
            ChangeId = RiskIds.OverdueNotice(risk.RiskId, due),
            RiskId = risk.RiskId,
            At = now,
            FromStatus = risk.Status,
            ToStatus = risk.Status,
            Actor = SweepActor,
            Reason = $"overdue: treatment was due by {due:yyyy-MM-dd}",
            Level = risk.Level,
            ResidualLevel = risk.ResidualLevel,
        });
    }

    private static RiskStatus Target(RiskRecord risk, RiskTreatmentUpdated update, RiskCriteria criteria)
    {
        switch (update.Action)
        {
            case TreatmentAction.Acknowledged:
                return RiskStatus.InTreatment;
            case TreatmentAction.Mitigated:
                if (update.ResidualLikelihood is not { } likelihood || update.ResidualImpact is not { } impact)
                {
                    throw new RiskUpdateRefusedException("residualLikelihood and residualImpact (1-5) are required for Mitigated");
                }

                if (likelihood is < 1 or > RiskCriteria.Scale || impact is < 1 or > RiskCriteria.Scale)
                {
                    throw new RiskUpdateRefusedException($"residualLikelihood {likelihood} and residualImpact {impact} must be from 1 to {RiskCriteria.Scale}");
                }

                if (likelihood > risk.Likelihood || impact > risk.Impact)
                {
                    throw new RiskUpdateRefusedException(
                        $"residual likelihood {likelihood} × impact {impact} is above the inherent {risk.Likelihood} × {risk.Impact}: a treatment cannot raise a risk");
                }

                return criteria.RequiresTreatment(criteria.LevelOf(likelihood, impact)) ? RiskStatus.TreatmentRequested : RiskStatus.Treated;
            case TreatmentAction.Accepted:
                if (update.AcceptedUntil is not { } until)
                {
                    throw new RiskUpdateRefusedException("acceptedUntil is required for Accepted: an acceptance has an expiry");
                }

                if (until <= update.OccurredAt)
                {
                    throw new RiskUpdateRefusedException($"acceptedUntil {until:O} is not after the update's occurredAt {update.OccurredAt:O}");
                }

                if (until > update.OccurredAt.AddDays(criteria.MaxAcceptanceDays))
                {
                    throw new RiskUpdateRefusedException(
                        $"acceptedUntil {until:yyyy-MM-dd} is more than the criteria's maxAcceptanceDays ({criteria.MaxAcceptanceDays}) after {update.OccurredAt:yyyy-MM-dd}");
                }

                return RiskStatus.Accepted;
            case TreatmentAction.Transferred:
                return RiskStatus.Transferred;
            case TreatmentAction.Avoided:
                return RiskStatus.Avoided;
            case TreatmentAction.Reopened:
                return RiskStatus.TreatmentRequested;
            default:
                throw new RiskUpdateRefusedException($"action '{update.Action}' is not a treatment action");
        }
    }
}

using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Risks;

/// <summary>Owners' updates and time move a risk only along the state machine's edges.</summary>
public sealed class RiskLifecycleTests
{
    private static readonly RiskCriteria Criteria = RuleSetLoader.Load(RepositoryRoot.Rules).Criteria;
    private static readonly DateTimeOffset Now = At.AddDays(1);

    [Fact]
    public void Acknowledged_moves_a_requested_treatment_into_treatment()
    {
        var transition = RiskLifecycle.Apply(Risk(RiskStatus.TreatmentRequested), Update(TreatmentAction.Acknowledged), Criteria, Now);

        Assert.Equal(RiskStatus.InTreatment, transition.Next.Status);
        Assert.Equal((RiskStatus.TreatmentRequested, RiskStatus.InTreatment, "owner@example.com"), (transition.History.FromStatus, transition.History.ToStatus, transition.History.Actor));
        Assert.Equal(Risk(RiskStatus.TreatmentRequested).Version + 1, transition.Next.Version);
    }

    [Fact]
    public void Mitigated_below_the_threshold_is_treated_with_its_residual_recorded()
    {
        var transition = RiskLifecycle.Apply(Risk(RiskStatus.InTreatment), Update(TreatmentAction.Mitigated) with { ResidualLikelihood = 1, ResidualImpact = 2 }, Criteria, Now);

        Assert.Equal(RiskStatus.Treated, transition.Next.Status);
        Assert.Equal((1, 2, RiskLevel.Low), (transition.Next.ResidualLikelihood, transition.Next.ResidualImpact, transition.Next.ResidualLevel));
        Assert.Equal(RiskLevel.Low, transition.History.ResidualLevel);
        Assert.Null(transition.Next.OpenTaskId);
    }

    [Fact]
    public void Mitigated_still_at_the_threshold_stays_in_treatment_and_says_why()
    {
        var transition = RiskLifecycle.Apply(Risk(RiskStatus.InTreatment), Update(TreatmentAction.Mitigated) with { ResidualLikelihood = 3, ResidualImpact = 3 }, Criteria, Now);

        Assert.Equal(RiskStatus.TreatmentRequested, transition.Next.Status);
        Assert.Equal(RiskLevel.Medium, transition.Next.ResidualLevel);
        Assert.Contains("still at or above the acceptance threshold", transition.History.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 2, "are required")]
    [InlineData(5, 2, "above the inherent 4 × 4")]
    [InlineData(2, 5, "above the inherent 4 × 4")]
    [InlineData(0, 2, "must be from 1 to 5")]
    public void Mitigated_needs_a_residual_within_the_inherent_risk(int? likelihood, int? impact, string reason)
    {
        var refused = Assert.Throws<RiskUpdateRefusedException>(() =>
            RiskLifecycle.Apply(Risk(RiskStatus.InTreatment), Update(TreatmentAction.Mitigated) with { ResidualLikelihood = likelihood, ResidualImpact = impact }, Criteria, Now));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepted_records_the_approver_and_the_expiry()
    {
        var until = Now.AddDays(200);

        var transition = RiskLifecycle.Apply(Risk(RiskStatus.TreatmentRequested), Update(TreatmentAction.Accepted) with { Actor = "cro@example.com", AcceptedUntil = until }, Criteria, Now);

        Assert.Equal((RiskStatus.Accepted, "cro@example.com", until), (transition.Next.Status, transition.Next.AcceptedBy, transition.Next.AcceptedUntil));
        Assert.Null(transition.Next.OpenTaskId);
        Assert.Contains("accepted by cro@example.com", transition.History.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "acceptedUntil is required")]
    [InlineData(-1, "is not after the update's occurredAt")]
    [InlineData(366, "maxAcceptanceDays (365)")]
    public void Accepted_needs_an_expiry_within_the_maximum(int? days, string reason)
    {
        var update = Update(TreatmentAction.Accepted) with { AcceptedUntil = days is { } d ? Now.AddDays(d) : null };

        var refused = Assert.Throws<RiskUpdateRefusedException>(() => RiskLifecycle.Apply(Risk(RiskStatus.InTreatment), update, Criteria, Now));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RiskStatus.Resolved, TreatmentAction.Acknowledged, "from Resolved to InTreatment")]
    [InlineData(RiskStatus.Tolerated, TreatmentAction.Transferred, "from Tolerated to Transferred")]
    [InlineData(RiskStatus.TreatmentRequested, TreatmentAction.Reopened, "from TreatmentRequested to TreatmentRequested")]
    [InlineData(RiskStatus.Accepted, TreatmentAction.Avoided, "from Accepted to Avoided")]
    public void An_illegal_transition_is_refused_naming_both_states(RiskStatus from, TreatmentAction action, string reason)
    {
        var refused = Assert.Throws<RiskUpdateRefusedException>(() => RiskLifecycle.Apply(Risk(from), Update(action), Criteria, Now));

        Assert.Contains("illegal transition", refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actor", "actor is 257 characters")]
    [InlineData("comment", "comment is 901 characters")]
    [InlineData("evidence", "evidence: at most 5 links")]
    public void Text_that_the_history_could_not_keep_is_refused(string field, string reason)
    {
        var update = field switch
        {
            "actor" => Update(TreatmentAction.Acknowledged) with { Actor = new string('a', 257) },
            "comment" => Update(TreatmentAction.Acknowledged) with { Comment = new string('c', 901) },
            _ => Update(TreatmentAction.Acknowledged) with { Evidence = [.. Enumerable.Range(0, 6).Select(i => $"https://tickets.example/{i}")] },
        };

        var refused = Assert.Throws<RiskUpdateRefusedException>(() => RiskLifecycle.Apply(Risk(RiskStatus.TreatmentRequested), update, Criteria, Now));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        var longest = Update(TreatmentAction.Accepted) with
        {
            Actor = new string('a', 256),
            AcceptedUntil = Now.AddDays(30),
            Comment = new string('c', 900),
            Evidence = [.. Enumerable.Range(0, 5).Select(i => "https://tickets.example/" + new string('x', 125) + i)],
        };
        Assert.True(RiskLifecycle.Apply(Risk(RiskStatus.TreatmentRequested), longest, Criteria, Now).History.Reason.Length <= ColumnLimits.Reason);
    }

    [Fact]
    public void Reopened_requests_treatment_again_with_a_task_derived_from_the_update()
    {
        var update = Update(TreatmentAction.Reopened);

        var transition = RiskLifecycle.Apply(Risk(RiskStatus.Accepted) with { AcceptedBy = "cro", AcceptedUntil = Now.AddDays(9) }, update, Criteria, Now);

        Assert.Equal(RiskStatus.TreatmentRequested, transition.Next.Status);
        Assert.Null(transition.Next.AcceptedUntil);
        Assert.Equal(RiskIds.TaskOf(RiskIds.ChangeByUpdate(transition.Next.RiskId, update.UpdateId)), transition.Next.OpenTaskId);
        Assert.Equal(transition.Next.OpenTaskId, transition.History.TaskId);
        Assert.Equal(Now.AddDays(Criteria.DueDays(RiskLevel.High)), transition.Next.DueBy);
    }

    [Fact]
    public void An_expired_acceptance_reopens_with_a_new_task_and_one_that_has_not_expired_does_nothing()
    {
        var accepted = Risk(RiskStatus.Accepted) with { AcceptedBy = "cro@example.com", AcceptedUntil = Now.AddDays(-1) };

        var transition = RiskLifecycle.Expire(accepted, Criteria, Now)!;

        Assert.Equal(RiskStatus.TreatmentRequested, transition.Next.Status);
        Assert.Contains("acceptance expired", transition.History.Reason, StringComparison.Ordinal);
        Assert.NotNull(transition.History.TaskId);
        Assert.Equal(transition.History.TaskId, RiskLifecycle.Expire(accepted, Criteria, Now.AddHours(1))!.History.TaskId);
        Assert.Null(RiskLifecycle.Expire(accepted with { AcceptedUntil = Now.AddDays(1) }, Criteria, Now));
        Assert.Null(RiskLifecycle.Expire(transition.Next, Criteria, Now));
    }

    [Fact]
    public void An_overdue_treatment_is_announced_once_per_due_date()
    {
        var due = Risk(RiskStatus.InTreatment) with { DueBy = Now.AddDays(-2) };

        var notice = RiskLifecycle.Overdue(due, Now)!;

        Assert.Equal((RiskStatus.InTreatment, RiskStatus.InTreatment), (notice.History.FromStatus, notice.History.ToStatus));
        Assert.StartsWith("overdue", notice.History.Reason, StringComparison.Ordinal);
        Assert.Null(RiskLifecycle.Overdue(notice.Next, Now.AddDays(1)));
        Assert.Null(RiskLifecycle.Overdue(due with { DueBy = Now.AddDays(1) }, Now));
        Assert.Null(RiskLifecycle.Overdue(due with { Status = RiskStatus.Accepted }, Now));
    }

    private static RiskRecord Risk(RiskStatus status)
    {
        var assessment = Assessment("credit-scoring-eu", "PRIV-001") with { Owner = "owner@example.com" };
        return RiskReconciler.Reconcile(assessment, []).Inserted[0] with { Status = status };
    }

    private static RiskTreatmentUpdated Update(TreatmentAction action) => new()
    {
        UpdateId = Guid.NewGuid(),
        RiskId = RiskIds.For("credit-scoring-eu", "PRIV-001"),
        Action = action,
        Actor = "owner@example.com",
        OccurredAt = Now,
    };
}

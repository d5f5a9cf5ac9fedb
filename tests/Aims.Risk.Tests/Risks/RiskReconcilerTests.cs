using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Risks;

/// <summary>What an assessed event does to a system's risks: open, re-confirm, escalate, resolve.</summary>
public sealed class RiskReconcilerTests
{
    private const string System = "credit-scoring-eu";

    [Fact]
    public void A_first_finding_at_or_above_the_threshold_opens_a_risk_and_requests_one_task()
    {
        var assessment = Event(("PRIV-001", RiskLevel.High));

        var plan = RiskReconciler.Reconcile(assessment, []);

        var risk = Assert.Single(plan.Inserted);
        Assert.Equal((RiskIds.For(System, "PRIV-001"), RiskStatus.TreatmentRequested, RiskLevel.High), (risk.RiskId, risk.Status, risk.Level));
        Assert.Equal(assessment.Entries[0].TaskId, risk.OpenTaskId);
        Assert.Equal(assessment.Entries[0].TaskId, Assert.Single(plan.Entries).TaskId);
        var change = Assert.Single(plan.Changes);
        Assert.Equal((null, RiskStatus.TreatmentRequested, "privacy.treatmentrequested"), (change.FromStatus, change.ToStatus, change.RoutingKey()));
        Assert.Equal("alice@example.com", risk.Owner);
    }

    [Fact]
    public void A_finding_below_the_threshold_opens_a_tolerated_risk_without_a_task()
    {
        var plan = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.Low)), []);

        Assert.Equal(RiskStatus.Tolerated, Assert.Single(plan.Inserted).Status);
        Assert.Null(Assert.Single(plan.Entries).TaskId);
        Assert.Null(plan.Inserted[0].OpenTaskId);
    }

    [Theory]
    [InlineData(RiskLevel.High)]
    [InlineData(RiskLevel.Medium)]
    public void The_same_or_a_lower_level_on_an_open_risk_re_confirms_it_without_a_task(RiskLevel again)
    {
        var first = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.High)), []);
        var second = Event(("PRIV-001", again));

        var plan = RiskReconciler.Reconcile(second, first.Inserted);

        Assert.Empty(plan.Inserted);
        Assert.Empty(plan.History);
        Assert.Empty(plan.Changes);
        var (risk, readVersion) = Assert.Single(plan.Updated);
        Assert.Equal(first.Inserted[0].Version, readVersion);
        Assert.Equal((RiskStatus.TreatmentRequested, RiskLevel.High, second.EventId, first.Inserted[0].OpenTaskId), (risk.Status, risk.Level, risk.LastEventId, risk.OpenTaskId));
        Assert.Equal(second.AssessedAt, risk.LastSeenAt);
        Assert.Null(Assert.Single(plan.Entries).TaskId);
        Assert.Equal(risk.RiskId, plan.Entries[0].RiskId);
    }

    [Fact]
    public void A_risk_seen_again_unchanged_is_marked_as_a_re_confirmation_so_only_its_last_seen_columns_are_written()
    {
        var first = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.High)), []);
        var second = Event(("PRIV-001", RiskLevel.Medium));

        var plan = RiskReconciler.Reconcile(second, first.Inserted);

        var (risk, _) = Assert.Single(plan.Updated);
        Assert.True(plan.IsReconfirmation(risk));
        Assert.Equal(first.Inserted[0] with
        {
            LastSeenAt = second.AssessedAt,
            LastEventId = second.EventId,
            Version = first.Inserted[0].Version + 1,
            Controls = risk.Controls,
        }, risk);
    }

    public static TheoryData<string> ChangedDescriptions => ["title", "category", "owner", "controls", "controls order"];

    [Theory]
    [MemberData(nameof(ChangedDescriptions))]
    public void A_risk_seen_again_with_a_changed_description_is_rewritten_whole(string change)
    {
        var stored = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.High)), []).Inserted[0];
        var again = Event(("PRIV-001", RiskLevel.High));
        var entry = again.Entries[0];
        again = change switch
        {
            "owner" => again with { Owner = "bob@example.com" },
            _ => again with
            {
                Entries = [change switch
                {
                    "title" => entry with { Title = "A new title" },
                    "category" => entry with { Category = "security" },
                    "controls" => entry with { Controls = ["A.7.2"] },
                    _ => entry with { Controls = [.. entry.Controls.Reverse()] },
                }],
            },
        };

        var plan = RiskReconciler.Reconcile(again, [stored]);

        var (risk, _) = Assert.Single(plan.Updated);
        Assert.Empty(plan.History);
        Assert.False(plan.IsReconfirmation(risk), change);
    }

    [Fact]
    public void Transitions_are_never_re_confirmations()
    {
        var stored = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.High), ("SEC-001", RiskLevel.High)), []).Inserted;
        var escalates = Event(("PRIV-001", RiskLevel.Critical)) with { ClearedRuleIds = ["SEC-001"] };

        var plan = RiskReconciler.Reconcile(escalates, stored);

        Assert.Equal(2, plan.Updated.Count);
        Assert.All(plan.Updated, u => Assert.False(plan.IsReconfirmation(u.Risk)));
        Assert.Equal(2, plan.History.Count);
    }

    [Theory]
    [InlineData(RiskStatus.Accepted)]
    [InlineData(RiskStatus.Treated)]
    [InlineData(RiskStatus.InTreatment)]
    public void A_higher_level_escalates_with_a_new_task_and_sends_the_risk_back_to_treatment(RiskStatus before)
    {
        var first = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.High)), []).Inserted[0] with
        {
            Status = before,
            AcceptedBy = before == RiskStatus.Accepted ? "cro@example.com" : null,
            AcceptedUntil = before == RiskStatus.Accepted ? At.AddDays(30) : null,
        };
        var critical = Event(("PRIV-001", RiskLevel.Critical));

        var plan = RiskReconciler.Reconcile(critical, [first]);

        var (risk, _) = Assert.Single(plan.Updated);
        Assert.Equal((RiskStatus.TreatmentRequested, RiskLevel.Critical), (risk.Status, risk.Level));
        Assert.Equal(critical.Entries[0].TaskId, risk.OpenTaskId);
        Assert.NotEqual(first.OpenTaskId, risk.OpenTaskId);
        Assert.Null(risk.AcceptedUntil);
        var history = Assert.Single(plan.History);
        Assert.Equal((before, RiskStatus.TreatmentRequested), (history.FromStatus, history.ToStatus));
        Assert.Contains("escalated from High to Critical", history.Reason, StringComparison.Ordinal);
        Assert.Equal(critical.Entries[0].TaskId, Assert.Single(plan.Entries).TaskId);
    }

    [Fact]
    public void A_tolerated_risk_now_at_the_threshold_requests_treatment()
    {
        var tolerated = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.Low)), []).Inserted[0];

        // Same level, but the criteria now put it at or above the threshold (the entry says so).
        var assessment = Event(("PRIV-001", RiskLevel.Low));
        assessment = assessment with { Entries = [assessment.Entries[0] with { Status = RiskEntryStatus.TreatmentRequested, TaskId = Guid.NewGuid(), DueBy = At.AddDays(9) }] };
        var plan = RiskReconciler.Reconcile(assessment, [tolerated]);

        Assert.Equal(RiskStatus.TreatmentRequested, Assert.Single(plan.Updated).Risk.Status);
        Assert.Contains("acceptance threshold", Assert.Single(plan.History).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_system_scoped_rule_the_event_clears_resolves_its_open_risk()
    {
        var open = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.High), ("SEC-001", RiskLevel.High)), []).Inserted;
        var later = Event(("SEC-001", RiskLevel.High)) with { ClearedRuleIds = ["PRIV-001"] };

        var plan = RiskReconciler.Reconcile(later, open);

        var resolved = plan.Updated.Single(u => u.Risk.RuleId == "PRIV-001").Risk;
        Assert.Equal(RiskStatus.Resolved, resolved.Status);
        Assert.Null(resolved.OpenTaskId);
        var history = Assert.Single(plan.History);
        Assert.Equal((RiskStatus.TreatmentRequested, RiskStatus.Resolved), (history.FromStatus, history.ToStatus));
        Assert.Contains(later.EventId.ToString(), history.Reason, StringComparison.Ordinal);
        Assert.Equal(RiskStatus.TreatmentRequested, plan.Updated.Single(u => u.Risk.RuleId == "SEC-001").Risk.Status);
    }

    [Fact]
    public void A_rule_that_merely_did_not_fire_resolves_nothing()
    {
        var open = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.High)), []).Inserted;

        var plan = RiskReconciler.Reconcile(Event() with { ClearedRuleIds = [] }, open);

        Assert.Empty(plan.Updated);
        Assert.Empty(plan.History);
    }

    [Fact]
    public void A_resolved_risk_that_fires_again_reopens_with_a_task_and_keeps_when_it_was_first_seen()
    {
        var opened = RiskReconciler.Reconcile(Event(("PRIV-001", RiskLevel.High)), []).Inserted[0];
        var resolved = opened with { Status = RiskStatus.Resolved, OpenTaskId = null, Version = opened.Version + 1 };
        var again = Event(("PRIV-001", RiskLevel.High)) with { AssessedAt = At.AddDays(3) };

        var plan = RiskReconciler.Reconcile(again, [resolved]);

        var (risk, readVersion) = Assert.Single(plan.Updated);
        Assert.Equal(resolved.Version, readVersion);
        Assert.Equal((RiskStatus.TreatmentRequested, opened.FirstSeenAt), (risk.Status, risk.FirstSeenAt));
        Assert.Equal(again.Entries[0].TaskId, risk.OpenTaskId);
        Assert.StartsWith("reopened", Assert.Single(plan.History).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Change_ids_are_derived_from_the_risk_and_the_event()
    {
        var assessment = Event(("PRIV-001", RiskLevel.High));

        var first = RiskReconciler.Reconcile(assessment, []);
        var again = RiskReconciler.Reconcile(assessment, []);

        Assert.Equal(first.Changes[0].ChangeId, again.Changes[0].ChangeId);
        Assert.Equal(RiskIds.ChangeByEvent(RiskIds.For(System, "PRIV-001"), assessment.EventId), first.Changes[0].ChangeId);
    }

    private static AssessmentRecord Event(params (string RuleId, RiskLevel Level)[] findings)
    {
        var assessment = Assessment(System);
        return assessment with
        {
            Owner = "alice@example.com",
            Entries = [.. findings.Select(f => Entry(assessment.EventId, System, f.RuleId, f.Level) with
            {
                Category = f.RuleId.StartsWith("SEC", StringComparison.Ordinal) ? "security" : "privacy",
            })],
        };
    }
}

using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using Dapper;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// The register of risks at its edges, on every store: an unknown risk, a task named with the wrong risk, a decision to
/// change nothing, and old findings migrated onto a risk that already exists.
/// </summary>
public abstract partial class RiskRegisterContractTests
{
    [StorageFact]
    public async Task Find_risk_of_an_unknown_id_returns_null()
    {
        _ = await register.RecordAsync(Assessment(UniqueSystem("known"), Rules[0]), Token);

        Assert.Null(await register.FindRiskAsync(Guid.NewGuid(), Token));
    }

    /// <summary>
    /// An update that names both a risk and a task must name a task of that risk: the other risk's task is refused, naming
    /// both, and nothing is written; the risk's own task is applied.
    /// </summary>
    [StorageFact]
    public async Task A_task_of_another_risk_is_refused_naming_both_and_the_risks_own_task_is_applied()
    {
        var system = UniqueSystem("task-of-another");
        _ = await register.RecordAsync(Assessment(system, Rules[0], Rules[1]), Token);
        var risks = await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token);
        var first = risks.Single(r => r.RuleId == Rules[0]);
        var second = risks.Single(r => r.RuleId == Rules[1]);
        var update = Acknowledge(second.RiskId);

        var refused = await Assert.ThrowsAsync<RiskNotFoundException>(() =>
            register.TransitionAsync(second.RiskId, first.OpenTaskId, update.UpdateId, r => RiskLifecycle.Apply(r, update, Criteria, At), Token));
        var unchanged = (await register.FindRiskAsync(second.RiskId, Token))!;
        var applied = await register.TransitionAsync(second.RiskId, second.OpenTaskId, update.UpdateId, r => RiskLifecycle.Apply(r, update, Criteria, At), Token);

        Assert.Equal($"task {first.OpenTaskId} is not a task of risk {second.RiskId}", refused.Message);
        Assert.Equal((second.Status, second.Version, 1), (unchanged.Risk.Status, unchanged.Risk.Version, unchanged.History.Count));
        Assert.NotNull(applied.Applied);
        Assert.Equal(RiskStatus.InTreatment, (await register.FindRiskAsync(second.RiskId, Token))!.Risk.Status);
        Assert.Equal(first.Version, (await register.FindRiskAsync(first.RiskId, Token))!.Risk.Version);
    }

    /// <summary>
    /// A decision to change nothing (the sweep finds the acceptance not yet expired) is neither applied nor a duplicate,
    /// and leaves no trace: the same update id decided again later is applied.
    /// </summary>
    [StorageFact]
    public async Task A_decision_to_change_nothing_writes_nothing_and_is_not_a_duplicate()
    {
        var system = UniqueSystem("no-change");
        _ = await register.RecordAsync(Assessment(system, Rules[0]), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token))[0];
        var update = Acknowledge(risk.RiskId);
        var decided = new List<RiskRecord>();

        var nothing = await register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => { decided.Add(r); return null; }, Token);
        var after = (await register.FindRiskAsync(risk.RiskId, Token))!;
        var later = await register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => RiskLifecycle.Apply(r, update, Criteria, At), Token);

        Assert.Equal(new TransitionOutcome(Applied: null, IsDuplicate: false, Change: null, Task: null), nothing);
        Assert.Equal(risk.RiskId, Assert.Single(decided).RiskId);
        Assert.Equal((risk.Status, risk.Version, 1), (after.Risk.Status, after.Risk.Version, after.History.Count));
        Assert.False(later.IsDuplicate);
        Assert.NotNull(later.Applied);
    }

    /// <summary>
    /// A transaction that loses a race for its risk is decided again on what won, up to five attempts in all; the fifth
    /// loss is reported, and anything else that goes wrong is reported at once. The loss is raised from the decision,
    /// inside the transaction, since a race cannot be staged on every store (SQLite lets one writer in at a time).
    /// </summary>
    [StorageFact]
    public async Task A_lost_race_is_decided_again_up_to_five_attempts_and_nothing_else_is_retried()
    {
        var system = UniqueSystem("lost-race");
        _ = await register.RecordAsync(Assessment(system, Rules[0]), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token))[0];
        var update = Acknowledge(risk.RiskId);
        var (won, lost, failed) = (0, 0, 0);

        var outcome = await register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => ++won < 5 ? throw new RiskConcurrencyException("lost") : RiskLifecycle.Apply(r, update, Criteria, At), Token);
        var exhausted = await Assert.ThrowsAsync<RiskConcurrencyException>(() =>
            register.TransitionAsync(risk.RiskId, null, null, _ => throw new RiskConcurrencyException($"lost {++lost}"), Token));
        _ = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            register.TransitionAsync(risk.RiskId, null, null, _ => throw new InvalidOperationException($"failed {++failed}"), Token));

        Assert.Equal(5, won);
        Assert.NotNull(outcome.Applied);
        Assert.Equal((5, "lost 5"), (lost, exhausted.Message));
        Assert.Equal(1, failed);
        var detail = (await register.FindRiskAsync(risk.RiskId, Token))!;
        Assert.Equal((RiskStatus.InTreatment, risk.Version + 1, 2), (detail.Risk.Status, detail.Risk.Version, detail.History.Count));
    }

    /// <summary>
    /// A finding recorded without its risk (by a replica of a version before risks, during an upgrade) later than the
    /// risk's last sighting moves the risk to that finding: its values and status, while the owner, the first sighting
    /// and the version count carry on. No history row is added for an existing risk.
    /// </summary>
    [StorageFact]
    public async Task Migrating_a_later_finding_onto_an_existing_risk_updates_it_and_keeps_its_owner_and_first_sighting()
    {
        var system = UniqueSystem("legacy-later");
        var seen = Assessment(system, Rules[0]) with { Owner = "owner@example.com" };
        _ = await register.RecordAsync(seen, Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token))[0];
        var unlinked = Assessment(system, Rules[0]) with { AssessedAt = seen.AssessedAt.AddDays(1) };
        unlinked = unlinked with
        {
            Entries = [unlinked.Entries[0] with { CreatedAt = seen.AssessedAt.AddDays(2), Level = RiskLevel.Medium, Likelihood = 2, Impact = 3, Score = 6, Status = RiskEntryStatus.Accepted, TaskId = null, DueBy = null, Controls = ["A.5.4"] }],
        };
        _ = await register.RecordAsync(unlinked, Token);
        var before = (await register.FindRiskAsync(risk.RiskId, Token))!;
        await DetachAsync(unlinked.EventId);

        await register.MigrateAsync(Token);

        var detail = (await register.FindRiskAsync(risk.RiskId, Token))!;
        var latest = unlinked.Entries[0];
        Assert.Equal(("owner@example.com", seen.AssessedAt, before.Risk.Version + 1), (detail.Risk.Owner, detail.Risk.FirstSeenAt, detail.Risk.Version));
        Assert.Equal((RiskStatus.Tolerated, RiskLevel.Medium, 2, 3, 6, (Guid?)null), (detail.Risk.Status, detail.Risk.Level, detail.Risk.Likelihood, detail.Risk.Impact, detail.Risk.Score, detail.Risk.OpenTaskId));
        Assert.Equal((latest.CreatedAt, unlinked.EventId), (detail.Risk.LastSeenAt, detail.Risk.LastEventId));
        Assert.Equal(["A.5.4"], detail.Risk.Controls);
        Assert.Equal(before.History.Count, detail.History.Count);
        Assert.Equal(2, detail.Entries.Count);
    }

    /// <summary>
    /// Findings without their risk that are not later than the risk's last sighting (the latest of them is that sighting)
    /// are linked and change nothing.
    /// </summary>
    [StorageFact]
    public async Task Migrating_earlier_findings_onto_an_existing_risk_links_them_and_leaves_the_risk_as_it_is()
    {
        var system = UniqueSystem("legacy-earlier");
        var earlier = Assessment(system, Rules[0]);
        earlier = earlier with { Entries = [earlier.Entries[0] with { Level = RiskLevel.Critical, Score = 25, Likelihood = 5, Impact = 5 }] };
        var newer = Assessment(system, Rules[0]) with { AssessedAt = earlier.AssessedAt.AddDays(1) };
        newer = newer with { Entries = [newer.Entries[0] with { CreatedAt = newer.AssessedAt }] };
        _ = await register.RecordAsync(earlier, Token);
        _ = await register.RecordAsync(newer, Token);
        var before = (await register.FindRiskAsync(RiskIds.For(system, Rules[0]), Token))!;
        await DetachAsync(earlier.EventId);
        await DetachAsync(newer.EventId);

        await register.MigrateAsync(Token);

        var detail = (await register.FindRiskAsync(before.Risk.RiskId, Token))!;
        Assert.Equal(newer.AssessedAt, before.Risk.LastSeenAt);
        Assert.Equal(before.Risk, detail.Risk, RiskRecordComparer.Instance);
        Assert.Equal(before.History.Count, detail.History.Count);
        Assert.Equal(2, detail.Entries.Count);
        Assert.All(await register.QueryEntriesAsync(new RegisterQuery { SystemId = system }, Token), e => Assert.Equal(before.Risk.RiskId, e.RiskId));
    }

    /// <summary>Makes an event's findings what a register written before the risk tables holds: findings without their risk.</summary>
    private async Task DetachAsync(Guid eventId)
    {
        await using var connection = await database.OpenAsync();
        _ = await connection.ExecuteAsync("UPDATE RiskEntries SET RiskId = NULL WHERE EventId = @EventId", new { EventId = database.Key(eventId) });
    }
}

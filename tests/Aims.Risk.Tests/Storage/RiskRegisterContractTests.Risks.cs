using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Dapper;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>The register of risks, on every store: reconciliation, transitions, races between replicas, migration.</summary>
public abstract partial class RiskRegisterContractTests
{
    private static readonly string[] Rules = ["privacy.consent-missing", "security.unsigned-artifact", "ethics.no-bias-test"];

    [StorageFact]
    public async Task Three_events_of_one_system_keep_one_risk_per_rule_and_request_one_task_per_risk()
    {
        var system = UniqueSystem("three");
        var results = new List<RecordResult>();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            results.Add(await register.RecordAsync(Assessment(system, Rules), Token));
        }

        var risks = await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token);
        Assert.Equal(Rules.Order(), risks.Select(r => r.RuleId).Order());
        Assert.All(results[0].Entries, e => Assert.NotNull(e.TaskId));
        Assert.Equal(Rules.Length, results[0].Changes.Count);
        Assert.All(results.Skip(1), r => Assert.All(r.Entries, e => Assert.Null(e.TaskId)));
        Assert.All(results.Skip(1), r => Assert.Empty(r.Changes));
        Assert.All(risks, r => Assert.Equal(results[0].Entries.Single(e => e.RuleId == r.RuleId).TaskId, r.OpenTaskId));
        var detail = (await register.FindRiskAsync(risks[0].RiskId, Token))!;
        Assert.Equal(3, detail.Entries.Count);
        Assert.Single(detail.History);
    }

    [StorageFact]
    public async Task Streamed_risks_and_history_are_those_the_queries_return_one_system_or_all()
    {
        var system = UniqueSystem("streamed");
        var other = UniqueSystem("streamed-other");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);
        _ = await register.RecordAsync(Assessment(other, Rules[..1]), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token))[0];
        var update = Acknowledge(risk.RiskId);
        _ = await register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => RiskLifecycle.Apply(r, update, Criteria, At), Token);
        var risks = await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token);
        var history = new List<RiskHistoryRecord>();
        foreach (var r in risks)
        {
            history.AddRange((await register.FindRiskAsync(r.RiskId, Token))!.History);
        }

        var streamed = await register.StreamRisksAsync(system, Token).ToListAsync(Token);
        var streamedHistory = await register.StreamHistoryAsync(system, Token).ToListAsync(Token);
        var all = await register.StreamRisksAsync(null, Token).ToListAsync(Token);
        var allHistory = await register.StreamHistoryAsync(null, Token).ToListAsync(Token);

        Assert.Equal(risks, streamed.OrderBy(r => r.RuleId, StringComparer.Ordinal), RiskRecordComparer.Instance);
        Assert.Equal(history.OrderBy(h => h.ChangeId), streamedHistory.OrderBy(h => h.ChangeId));
        Assert.Equal(4, history.Count);
        Assert.Equal(risks, all.Where(r => r.SystemId == system).OrderBy(r => r.RuleId, StringComparer.Ordinal), RiskRecordComparer.Instance);
        Assert.Single(all, r => r.SystemId == other);
        Assert.Equal(history.OrderBy(h => h.ChangeId), allHistory.Where(h => risks.Any(r => r.RiskId == h.RiskId)).OrderBy(h => h.ChangeId));
        Assert.Single(allHistory, h => all.Single(r => r.SystemId == other).RiskId == h.RiskId);
    }

    [StorageFact]
    public async Task A_redelivered_event_returns_the_same_transitions()
    {
        var assessment = Assessment(UniqueSystem("redelivered"), Rules);
        var first = await register.RecordAsync(assessment, Token);

        var again = await register.RecordAsync(Rerun(assessment), Token);

        Assert.True(again.IsDuplicate);
        Assert.Equal(first.Changes.Select(c => c.ChangeId).Order(), again.Changes.Select(c => c.ChangeId).Order());
        Assert.Equal(first.Changes.OrderBy(c => c.ChangeId), again.Changes.OrderBy(c => c.ChangeId));
    }

    [StorageFact]
    public async Task Two_replicas_recording_events_of_one_system_at_once_open_one_risk_per_rule()
    {
        var system = UniqueSystem("race");
        var other = database.CreateRegister();
        var assessments = Enumerable.Range(0, 24).Select(_ => Assessment(system, Rules)).ToList();

        var results = await Task.WhenAll(assessments.Select((a, i) => (i % 2 == 0 ? register : other).RecordAsync(a, Token)));

        Assert.All(results, r => Assert.False(r.IsDuplicate));
        var risks = await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token);
        Assert.Equal(Rules.Order(), risks.Select(r => r.RuleId).Order());
        Assert.Equal(Rules.Length, results.SelectMany(r => r.Entries).Count(e => e.TaskId is not null));
        Assert.Equal(Rules.Length, results.Sum(r => r.Changes.Count));
        foreach (var risk in risks)
        {
            var detail = (await register.FindRiskAsync(risk.RiskId, Token))!;
            Assert.Equal(24, detail.Entries.Count);
            Assert.Equal(RiskStatus.TreatmentRequested, Assert.Single(detail.History).ToStatus);
        }
    }

    [StorageFact]
    public async Task An_update_racing_events_of_its_system_loses_neither()
    {
        var system = UniqueSystem("update-race");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token)).Single(r => r.RuleId == Rules[0]);
        var other = database.CreateRegister();
        var update = Acknowledge(risk.RiskId);
        var events = Enumerable.Range(0, 10).Select(_ => Assessment(system, Rules)).ToList();

        var recording = events.Select(e => other.RecordAsync(e, Token)).ToList();
        var updating = register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => RiskLifecycle.Apply(r, update, Criteria, At), Token);
        await Task.WhenAll(recording);
        var outcome = await updating;

        Assert.NotNull(outcome.Applied);
        var detail = (await register.FindRiskAsync(risk.RiskId, Token))!;
        Assert.Equal(RiskStatus.InTreatment, detail.Risk.Status);
        Assert.Equal(11, detail.Entries.Count);
        Assert.Contains(detail.History, h => h.UpdateId == update.UpdateId);
        Assert.Contains(events.Select(e => e.EventId).Append(detail.Entries[^1].EventId), id => id == detail.Risk.LastEventId);
    }

    [StorageFact]
    public async Task The_same_update_applied_twice_changes_the_risk_once_and_writes_its_messages_once()
    {
        var system = UniqueSystem("update-twice");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token))[0];
        var update = Acknowledge(risk.RiskId);

        var first = await register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => RiskLifecycle.Apply(r, update, Criteria, At), Token);
        var second = await database.CreateRegister().TransitionAsync(null, risk.OpenTaskId, update.UpdateId, r => RiskLifecycle.Apply(r, update, Criteria, At), Token);

        Assert.False(first.IsDuplicate);
        Assert.True(second.IsDuplicate);
        Assert.Null(second.Applied);
        var detail = (await register.FindRiskAsync(risk.RiskId, Token))!;
        Assert.Equal(2, detail.History.Count);
        Assert.Equal(risk.Version + 1, detail.Risk.Version);
        Assert.Equal(1, await CountOutboxAsync(first.Change!.ChangeId));
    }

    [StorageFact]
    public async Task A_refused_update_writes_nothing_and_an_unknown_risk_or_task_is_named()
    {
        var system = UniqueSystem("refused");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token))[0];
        var accept = Acknowledge(risk.RiskId) with { Action = TreatmentAction.Accepted };

        _ = await Assert.ThrowsAsync<RiskUpdateRefusedException>(() =>
            register.TransitionAsync(risk.RiskId, null, accept.UpdateId, r => RiskLifecycle.Apply(r, accept, Criteria, At), Token));
        var unknownRisk = await Assert.ThrowsAsync<RiskNotFoundException>(() => register.TransitionAsync(Guid.NewGuid(), null, Guid.NewGuid(), _ => null, Token));
        var unknownTask = await Assert.ThrowsAsync<RiskNotFoundException>(() => register.TransitionAsync(null, Guid.NewGuid(), Guid.NewGuid(), _ => null, Token));

        Assert.Contains("no risk", unknownRisk.Message, StringComparison.Ordinal);
        Assert.Contains("no risk has task", unknownTask.Message, StringComparison.Ordinal);
        var detail = (await register.FindRiskAsync(risk.RiskId, Token))!;
        Assert.Equal((risk.Status, risk.Version, 1), (detail.Risk.Status, detail.Risk.Version, detail.History.Count));
    }

    [StorageFact]
    public async Task A_risk_seen_again_keeps_what_its_owner_recorded_and_moves_only_its_last_sighting()
    {
        var system = UniqueSystem("seen-again");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token)).Single(r => r.RuleId == Rules[0]);
        var accept = Acknowledge(risk.RiskId) with { Action = TreatmentAction.Accepted, AcceptedUntil = At.AddDays(10) };
        _ = await register.TransitionAsync(risk.RiskId, null, accept.UpdateId, r => RiskLifecycle.Apply(r, accept, Criteria, At), Token);
        var accepted = (await register.FindRiskAsync(risk.RiskId, Token))!.Risk;
        var again = Assessment(system, Rules) with { AssessedAt = At.AddHours(3), RuleSetVersion = "1.5.0" };

        var result = await register.RecordAsync(again, Token);

        Assert.Empty(result.Changes);
        var seen = (await register.FindRiskAsync(risk.RiskId, Token))!;
        Assert.Equal(accepted with
        {
            LastSeenAt = again.AssessedAt,
            LastEventId = again.EventId,
            RuleSetVersion = "1.5.0",
            Version = accepted.Version + 1,
        }, seen.Risk, RiskRecordComparer.Instance);
        Assert.Equal((RiskStatus.Accepted, "owner@example.com", At.AddDays(10)), (seen.Risk.Status, seen.Risk.AcceptedBy, seen.Risk.AcceptedUntil));
        Assert.Equal(2, seen.History.Count);
        Assert.Contains(seen.Entries, e => e.EventId == again.EventId);
    }

    [StorageFact]
    public async Task An_expired_acceptance_swept_by_two_replicas_reopens_once_with_one_task()
    {
        var system = UniqueSystem("expired");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token))[0];
        var accept = Acknowledge(risk.RiskId) with { Action = TreatmentAction.Accepted, AcceptedUntil = At.AddDays(10) };
        _ = await register.TransitionAsync(risk.RiskId, null, accept.UpdateId, r => RiskLifecycle.Apply(r, accept, Criteria, At), Token);
        var later = At.AddDays(11);

        var due = await register.ReadDueRisksAsync(later, 10_000, Token);
        Assert.Contains(due, r => r.RiskId == risk.RiskId);
        Assert.DoesNotContain(await register.ReadDueRisksAsync(At.AddDays(9), 10_000, Token), r => r.RiskId == risk.RiskId);
        var sweeps = await Task.WhenAll(new[] { register, database.CreateRegister(), database.CreateRegister() }.Select(replica =>
            replica.TransitionAsync(risk.RiskId, null, null, r => RiskLifecycle.Expire(r, Criteria, later), Token)));

        var applied = Assert.Single(sweeps, s => s.Applied is not null);
        Assert.NotNull(applied.Task);
        var detail = (await register.FindRiskAsync(risk.RiskId, Token))!;
        Assert.Equal(RiskStatus.TreatmentRequested, detail.Risk.Status);
        Assert.Equal(applied.Task.TaskId, detail.Risk.OpenTaskId);
        Assert.Single(detail.History, h => h.Reason.StartsWith("acceptance expired", StringComparison.Ordinal));
        Assert.Equal(1, await CountOutboxAsync(applied.Task.TaskId));
        Assert.Equal(1, await CountOutboxAsync(applied.Change!.ChangeId));
    }

    [StorageFact]
    public async Task The_outbox_returns_pending_messages_oldest_first_until_they_are_marked_published()
    {
        var system = UniqueSystem("outbox");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token))[0];
        var update = Acknowledge(risk.RiskId);
        var outcome = await register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => RiskLifecycle.Apply(r, update, Criteria, At), Token);

        var pending = await register.ReadOutboxAsync(100_000, Token);
        Assert.Contains(pending, m => m.MessageId == outcome.Change!.ChangeId && m.MessageType == nameof(RiskStatusChanged));
        await register.MarkPublishedAsync(outcome.Change!.ChangeId, At, Token);

        Assert.DoesNotContain(await register.ReadOutboxAsync(100_000, Token), m => m.MessageId == outcome.Change.ChangeId);
    }

    [StorageFact]
    public async Task Migrating_a_register_recorded_before_risks_derives_them_from_the_latest_findings()
    {
        var system = UniqueSystem("legacy");
        var older = Assessment(system, Rules[0]);
        var newer = Assessment(system, Rules[0]) with { AssessedAt = older.AssessedAt.AddDays(1) };
        newer = newer with { Entries = [newer.Entries[0] with { CreatedAt = newer.AssessedAt, Level = RiskLevel.Critical }] };
        _ = await register.RecordAsync(older, Token);
        _ = await register.RecordAsync(newer, Token);
        var riskId = RiskIds.For(system, Rules[0]);
        await using (var connection = await database.OpenAsync())
        {
            // What a register written before the risk tables holds: findings only.
            _ = await connection.ExecuteAsync("DELETE FROM RiskHistory WHERE RiskId = @Id; DELETE FROM Risks WHERE RiskId = @Id; UPDATE RiskEntries SET RiskId = NULL WHERE SystemId = @System", new { Id = database.Key(riskId), System = system });
        }

        await register.MigrateAsync(Token);

        var detail = (await register.FindRiskAsync(riskId, Token))!;
        Assert.Equal((RiskLevel.Critical, newer.EventId, older.AssessedAt), (detail.Risk.Level, detail.Risk.LastEventId, detail.Risk.FirstSeenAt));
        Assert.Equal(2, detail.Entries.Count);
        var derived = Assert.Single(detail.History);
        Assert.Equal("migration", derived.Actor);
        Assert.Contains("derived from the findings", derived.Reason, StringComparison.Ordinal);
        await register.MigrateAsync(Token);
        Assert.Single((await register.FindRiskAsync(riskId, Token))!.History);
    }

    /// <summary>
    /// The derived risk takes its status, level, score, task and due date from the latest finding: TreatmentRequested from a
    /// finding that requested treatment, Tolerated from one that was accepted; its one history row says so.
    /// </summary>
    [StorageFact]
    public async Task Migrating_derives_each_risks_status_and_values_from_its_latest_finding()
    {
        var treated = UniqueSystem("legacy-treated");
        var tolerated = UniqueSystem("legacy-tolerated");
        var first = Assessment(treated, Rules[1]);
        var latest = Assessment(treated, Rules[1]) with { AssessedAt = first.AssessedAt.AddDays(2) };
        latest = latest with { Entries = [latest.Entries[0] with { CreatedAt = latest.AssessedAt, Likelihood = 5, Impact = 3, Score = 15, Level = RiskLevel.Critical, Controls = ["A.6.2.4"] }] };
        var low = Assessment(tolerated, Rules[2]);
        low = low with { Entries = [Entry(low.EventId, tolerated, Rules[2], RiskLevel.Low) with { Likelihood = 1, Impact = 2, Score = 2 }] };
        foreach (var assessment in new[] { first, latest, low })
        {
            _ = await register.RecordAsync(assessment, Token);
        }

        var treatedRisk = RiskIds.For(treated, Rules[1]);
        var toleratedRisk = RiskIds.For(tolerated, Rules[2]);
        await using (var connection = await database.OpenAsync())
        {
            _ = await connection.ExecuteAsync(
                "DELETE FROM RiskHistory WHERE RiskId IN (@A, @B); DELETE FROM Risks WHERE RiskId IN (@A, @B); UPDATE RiskEntries SET RiskId = NULL WHERE SystemId IN (@SystemA, @SystemB)",
                new { A = database.Key(treatedRisk), B = database.Key(toleratedRisk), SystemA = treated, SystemB = tolerated });
        }

        await register.MigrateAsync(Token);

        var a = (await register.FindRiskAsync(treatedRisk, Token))!;
        var newest = a.Entries[0];
        Assert.Equal(latest.EventId, newest.EventId);
        Assert.Equal(RiskEntryStatus.TreatmentRequested, newest.Status);
        Assert.Equal(RiskStatus.TreatmentRequested, a.Risk.Status);
        Assert.Equal((treated, Rules[1], newest.Category, newest.Title, ""), (a.Risk.SystemId, a.Risk.RuleId, a.Risk.Category, a.Risk.Title, a.Risk.Owner));
        Assert.Equal((5, 3, 15, RiskLevel.Critical), (a.Risk.Likelihood, a.Risk.Impact, a.Risk.Score, a.Risk.Level));
        Assert.Equal(["A.6.2.4"], a.Risk.Controls);
        Assert.Equal((newest.TaskId, newest.DueBy), (a.Risk.OpenTaskId, a.Risk.DueBy));
        Assert.Equal((first.AssessedAt, latest.AssessedAt, latest.EventId), (a.Risk.FirstSeenAt, a.Risk.LastSeenAt, a.Risk.LastEventId));
        Assert.Equal((newest.RuleSetVersion, newest.RuleSetHash, 1L), (a.Risk.RuleSetVersion, a.Risk.RuleSetHash, a.Risk.Version));
        var history = Assert.Single(a.History);
        Assert.Equal(
            (RiskIds.ChangeByEvent(treatedRisk, latest.EventId), treatedRisk, latest.AssessedAt, (RiskStatus?)null, RiskStatus.TreatmentRequested, latest.EventId, RiskLevel.Critical, newest.TaskId),
            (history.ChangeId, history.RiskId, history.At, history.FromStatus, history.ToStatus, history.EventId, history.Level, history.TaskId));
        Assert.Equal($"derived from the findings recorded before the register kept risks (latest: event {latest.EventId})", history.Reason);

        var b = (await register.FindRiskAsync(toleratedRisk, Token))!;
        Assert.Equal(RiskEntryStatus.Accepted, Assert.Single(b.Entries).Status);
        Assert.Equal(RiskStatus.Tolerated, b.Risk.Status);
        Assert.Equal((RiskLevel.Low, 2, (Guid?)null), (b.Risk.Level, b.Risk.Score, b.Risk.OpenTaskId));
        Assert.Equal(RiskStatus.Tolerated, Assert.Single(b.History).ToStatus);
        Assert.All(
            (await register.QueryEntriesAsync(new RegisterQuery { SystemId = treated }, Token)).Concat(await register.QueryEntriesAsync(new RegisterQuery { SystemId = tolerated }, Token)),
            e => Assert.Equal(RiskIds.For(e.SystemId, e.RuleId), e.RiskId));
    }

    private static readonly Core.Rules.RiskCriteria Criteria = Core.Rules.RuleSetLoader.Load(RepositoryRoot.Rules).Criteria;

    private static RiskTreatmentUpdated Acknowledge(Guid riskId) => new()
    {
        UpdateId = Guid.NewGuid(),
        RiskId = riskId,
        Action = TreatmentAction.Acknowledged,
        Actor = "owner@example.com",
        OccurredAt = At,
    };

    /// <summary>Records compare member by member, their control lists by content.</summary>
    private sealed class RiskRecordComparer : IEqualityComparer<RiskRecord>
    {
        public static readonly RiskRecordComparer Instance = new();

        public bool Equals(RiskRecord? x, RiskRecord? y) =>
            x is not null && y is not null && x.Controls.SequenceEqual(y.Controls) && x with { Controls = [] } == y with { Controls = [] };

        public int GetHashCode(RiskRecord obj) => obj.RiskId.GetHashCode();
    }

    private async Task<int> CountOutboxAsync(Guid messageId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM Outbox WHERE MessageId = @Id", new { Id = database.Key(messageId) });
    }
}

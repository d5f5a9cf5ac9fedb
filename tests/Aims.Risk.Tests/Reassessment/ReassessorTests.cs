using Aims.Risk.Contracts;
using Aims.Risk.Core.Reassessment;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Aims.Risk.Tests.Reassessment;

/// <summary>
/// Re-assessing a system after a version bump, on a real SQLite register: only what the new rule set changes gives tasks
/// and status events, a redelivery (a crash after the write) records nothing twice, and a newer event wins.
/// </summary>
public sealed class ReassessorTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-reassess-{Guid.NewGuid():N}.db");
    private readonly RuleSetBuilder _rules = new();
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);
    private SqliteRiskRegister _register = null!;
    private RuleSetProvider _provider = null!;
    private Reassessor _reassessor = null!;

    public async Task InitializeAsync()
    {
        _register = new SqliteRiskRegister($"Data Source={_database}", ResiliencePipeline.Empty);
        await _register.MigrateAsync(default);
        _rules.Write();
        _provider = new RuleSetProvider(Options.Create(new RulesOptions { Path = _rules.Directory, RequireTests = false }), _register, _clock, NullLogger<RuleSetProvider>.Instance);
        Assert.True(await _provider.TryActivateAsync(default));
        _reassessor = new Reassessor(_provider, new RiskEvaluator(_clock), _register, _clock);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_database);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _provider.Dispose();
        _rules.Dispose();
    }

    /// <summary>Unsigned deployment with personal data and no consent: PRIV-001 (High) and SEC-001 (Critical) fire.</summary>
    private static AiSystemChanged Risky(string system, Guid? eventId = null) => SampleEvents.Change(eventId ?? Guid.NewGuid()) with
    {
        System = new AiSystem { Id = system, Name = system, Owner = "owner@example.com" },
        Datasets = [new DatasetInfo { Name = "applications", ContainsPersonalData = true }],
        Model = new ModelInfo { Metrics = new ModelMetrics { Accuracy = 0.95 } },
    };

    [Fact]
    public async Task A_new_rule_set_version_gives_tasks_and_status_events_only_for_what_it_changes()
    {
        var original = await AssessAsync(Risky("credit-scoring"));
        var before = await _register.QueryRisksAsync(new RiskQuery { SystemId = "credit-scoring" }, default);
        await ActivateAsync("1.3.0", RuleSetBuilder.Rule("SEC-002", "change.Security.SbomAvailable != true", "security", 4, 4));
        var message = await EnqueuedAsync(original);

        var outcome = await _reassessor.ReassessAsync(message, default);

        Assert.Null(outcome.Skipped);
        Assert.False(outcome.IsDuplicate);
        Assert.Equal(["SEC-002"], outcome.Tasks.Select(t => t.RuleId));
        var opened = Assert.Single(outcome.Changes);
        Assert.Equal(("SEC-002", (RiskStatus?)null, RiskStatus.TreatmentRequested), (opened.RuleId, opened.FromStatus, opened.ToStatus));
        Assert.StartsWith("rule SEC-002 fired on rule set 1.3.0", opened.Reason, StringComparison.Ordinal);
        var stored = (await _register.FindAssessmentAsync(outcome.DerivedEventId!.Value, default))!;
        Assert.Equal((original.EventId, "1.3.0"), (stored.ReassessedEventId!.Value, stored.RuleSetVersion));
        Assert.NotEqual(original.EventId, outcome.DerivedEventId);
        var after = await _register.QueryRisksAsync(new RiskQuery { SystemId = "credit-scoring" }, default);
        Assert.Equal(before.Select(r => r.RuleId).Append("SEC-002").Order(), after.Select(r => r.RuleId).Order());
        Assert.All(after.Where(r => r.RuleId != "SEC-002"), r => Assert.Equal(before.Single(b => b.RuleId == r.RuleId).Status, r.Status));
    }

    [Fact]
    public async Task A_redelivered_message_records_nothing_twice_and_yields_the_same_tasks_and_status_events()
    {
        var original = await AssessAsync(Risky("fraud"));
        await ActivateAsync("1.3.0", RuleSetBuilder.Rule("SEC-002", "change.Security.SbomAvailable != true", "security", 4, 4));
        var message = await EnqueuedAsync(original);
        var first = await _reassessor.ReassessAsync(message, default);
        var history = await HistoryCountAsync("fraud");

        _clock.Advance(TimeSpan.FromMinutes(3));
        var again = await _reassessor.ReassessAsync(message, default);

        Assert.True(again.IsDuplicate);
        Assert.Equal(first.DerivedEventId, again.DerivedEventId);
        Assert.Equal(first.Tasks.Select(t => t.TaskId), again.Tasks.Select(t => t.TaskId));
        Assert.Equal(first.Changes.Select(c => c.ChangeId), again.Changes.Select(c => c.ChangeId));
        Assert.Equal(history, await HistoryCountAsync("fraud"));
        var run = (await _register.ReadReassessmentsAsync(false, 10, default)).Single(r => r.RunId == message.RunId);
        Assert.Equal((1, 1, 0, 0), (run.Done, run.Opened, run.Resolved, run.Changed));
        Assert.NotNull(run.FinishedAt);
    }

    [Fact]
    public async Task A_criteria_change_that_lowers_a_risk_below_the_threshold_changes_no_status_and_requests_no_task()
    {
        var original = await AssessAsync(Risky("triage"));
        _rules.Criteria["acceptanceThreshold"] = "Critical";
        _rules.Manifest["changelog"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["version"] = "1.3.0", ["date"] = "2026-11-29", ["author"] = "a", ["approver"] = "b", ["summary"] = "threshold Critical",
        });
        await ActivateAsync("1.3.0");
        var message = await EnqueuedAsync(original);

        var outcome = await _reassessor.ReassessAsync(message, default);

        // The reconciler never lowers a risk on its own: an open risk stays as it is until its owner acts.
        Assert.Empty(outcome.Tasks);
        Assert.Empty(outcome.Changes);
    }

    [Fact]
    public async Task A_system_assessed_again_after_the_run_was_enqueued_is_skipped()
    {
        var original = await AssessAsync(Risky("chatbot"));
        await ActivateAsync("1.3.0", RuleSetBuilder.Rule("SEC-002", "change.Security.SbomAvailable != true", "security", 4, 4));
        var message = await EnqueuedAsync(original);
        _clock.Advance(TimeSpan.FromSeconds(1));
        _ = await AssessAsync(Risky("chatbot"));

        var outcome = await _reassessor.ReassessAsync(message, default);

        Assert.Contains("assessed again", outcome.Skipped, StringComparison.Ordinal);
        Assert.Null(outcome.DerivedEventId);
        var run = (await _register.ReadReassessmentsAsync(false, 10, default)).Single(r => r.RunId == message.RunId);
        Assert.Equal((1, 0), (run.Done, run.Opened));
    }

    [Fact]
    public async Task An_activation_run_superseded_by_another_rule_set_is_skipped()
    {
        var original = await AssessAsync(Risky("forecast"));
        await ActivateAsync("1.3.0", RuleSetBuilder.Rule("SEC-002", "change.Security.SbomAvailable != true", "security", 4, 4));
        var message = await EnqueuedAsync(original);
        await ActivateAsync("1.4.0");

        var outcome = await _reassessor.ReassessAsync(message, default);

        Assert.Contains("replaced", outcome.Skipped, StringComparison.Ordinal);
        Assert.DoesNotContain(await _register.QueryRisksAsync(new RiskQuery { SystemId = "forecast" }, default), r => r.RuleId == "SEC-002");
    }

    private async Task<AssessmentRecord> AssessAsync(AiSystemChanged change)
    {
        var record = RegisterMapping.ToRecord(new RiskEvaluator(_clock).Evaluate(change, _provider.Current));
        _ = await _register.RecordAsync(record, default);
        return record;
    }

    private async Task ActivateAsync(string version, System.Text.Json.Nodes.JsonObject? newRule = null)
    {
        if (newRule is not null)
        {
            _rules.Workflows["security.json"]["Rules"]!.AsArray().Add(newRule);
        }

        _rules.Manifest["version"] = version;
        _rules.Write();
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await _provider.TryActivateAsync(default), string.Join("; ", _provider.LastRefusal ?? []));
    }

    /// <summary>The run and its message, as the dispatcher makes them for one system.</summary>
    private async Task<ReassessSystem> EnqueuedAsync(AssessmentRecord latest)
    {
        var ruleSet = _provider.Current;
        var run = new ReassessmentRun(Guid.NewGuid(), ReassessmentIds.ActivationKey(ruleSet.Hash + Guid.NewGuid()), ReassessmentRun.OnActivation, null, ruleSet.Version, ruleSet.Hash, _clock.GetUtcNow());
        Assert.True(await _register.RequestReassessmentAsync(run, default));
        await _register.MarkReassessmentEnqueuedAsync(run.RunId, ruleSet.Version, ruleSet.Hash, 1, _clock.GetUtcNow(), default);
        return new ReassessSystem { RunId = run.RunId, Reason = run.Reason, SystemId = latest.SystemId, EventId = latest.EventId, RuleSetHash = ruleSet.Hash };
    }

    private async Task<int> HistoryCountAsync(string system) =>
        (await Task.WhenAll((await _register.QueryRisksAsync(new RiskQuery { SystemId = system }, default))
            .Select(r => _register.FindRiskAsync(r.RiskId, default)))).Sum(d => d!.History.Count);
}

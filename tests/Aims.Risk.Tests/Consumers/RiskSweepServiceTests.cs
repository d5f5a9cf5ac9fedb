using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Consumers;

/// <summary>The sweep on a real register and the shipped criteria, with time in the test's hands.</summary>
public sealed class RiskSweepServiceTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-sweep-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = new(At);
    private readonly OutboxSignal _outbox = new();
    private SqliteRiskRegister _register = null!;
    private RuleSetProvider _rules = null!;
    private RiskSweepService _sweep = null!;

    public async Task InitializeAsync()
    {
        _register = new SqliteRiskRegister($"Data Source={_database}", ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);
        await _register.MigrateAsync(default);
        _rules = new RuleSetProvider(Options.Create(new RulesOptions { Path = RepositoryRoot.Rules }), _register, _clock, NullLogger<RuleSetProvider>.Instance);
        Assert.True(await _rules.TryActivateAsync(default));
        _sweep = new RiskSweepService(_register, _rules, _outbox, _clock, Options.Create(new RiskLifecycleOptions()), NullLogger<RiskSweepService>.Instance);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_database);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _rules.Dispose();
        _sweep.Dispose();
        _outbox.Dispose();
    }

    [Fact]
    public async Task A_sweep_reopens_expired_acceptances_and_announces_overdue_treatments_once()
    {
        var accepted = await OpenAsync("accepted");
        var overdue = await OpenAsync("overdue");
        var onTime = await OpenAsync("on-time");
        await UpdateAsync(accepted, TreatmentAction.Accepted, until: At.AddDays(10));
        await UpdateAsync(overdue, TreatmentAction.Acknowledged);
        var published = (await _register.ReadOutboxAsync(1000, default)).Count;

        Assert.Equal(0, await _sweep.SweepAsync(default));
        _clock.Advance(TimeSpan.FromDays(40));
        await UpdateAsync(onTime, TreatmentAction.Reopened, from: RiskStatus.TreatmentRequested);
        var first = await _sweep.SweepAsync(default);
        var second = await _sweep.SweepAsync(default);

        var reopened = (await _register.FindRiskAsync(accepted.RiskId, default))!;
        Assert.Equal(RiskStatus.TreatmentRequested, reopened.Risk.Status);
        Assert.StartsWith("acceptance expired", reopened.History[^1].Reason, StringComparison.Ordinal);
        var late = (await _register.FindRiskAsync(overdue.RiskId, default))!;
        Assert.Equal(RiskStatus.InTreatment, late.Risk.Status);
        Assert.Single(late.History, h => h.Reason.StartsWith("overdue", StringComparison.Ordinal));
        Assert.DoesNotContain((await _register.FindRiskAsync(onTime.RiskId, default))!.History, h => h.Reason.StartsWith("overdue", StringComparison.Ordinal));
        Assert.Equal(2, first);
        Assert.Equal(0, second);
        var messages = await _register.ReadOutboxAsync(1000, default);
        Assert.Contains(messages, m => m.MessageType == nameof(RiskTreatmentRequested) && m.MessageId == reopened.Risk.OpenTaskId);
        // Before the sweeps: the two updates, and the on-time risk's acceptance and reopening (its status event and task).
        // The sweeps: one status event per transition, and the reopened acceptance's task.
        Assert.Equal(published + 3 + first + 1, messages.Count);
    }

    private async Task<RiskRecord> OpenAsync(string system)
    {
        var assessment = Assessment(system, "PRIV-001") with { AssessedAt = _clock.GetUtcNow() };
        _ = await _register.RecordAsync(assessment, default);
        return (await _register.QueryRisksAsync(new RiskQuery { SystemId = system }, default))[0];
    }

    private async Task UpdateAsync(RiskRecord risk, TreatmentAction action, DateTimeOffset? until = null, RiskStatus? from = null)
    {
        var now = _clock.GetUtcNow();
        var update = new RiskTreatmentUpdated { UpdateId = Guid.NewGuid(), RiskId = risk.RiskId, Action = action, Actor = "owner", OccurredAt = now, AcceptedUntil = until };
        if (from is { } status)
        {
            // Reopened needs a closed risk: accept it first, as an owner would.
            var accept = update with { UpdateId = Guid.NewGuid(), Action = TreatmentAction.Accepted, AcceptedUntil = now.AddDays(100) };
            _ = await _register.TransitionAsync(risk.RiskId, null, accept.UpdateId, r => RiskLifecycle.Apply(r, accept, _rules.Current.Criteria, now), default);
            Assert.Equal(RiskStatus.TreatmentRequested, status);
        }

        _ = await _register.TransitionAsync(risk.RiskId, null, update.UpdateId, r => RiskLifecycle.Apply(r, update, _rules.Current.Criteria, now), default);
    }
}

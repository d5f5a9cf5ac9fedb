using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Rules;

/// <summary>Hot reload: a candidate becomes active only when it validates and its tests pass.</summary>
public sealed class RuleSetProviderTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();
    private readonly ArchiveSpy _register = new();
    private readonly RuleSetProvider _provider;

    public RuleSetProviderTests()
    {
        _rules.Write();
        WriteTests();
        _provider = new RuleSetProvider(
            Options.Create(new RulesOptions { Path = _rules.Directory }),
            _register,
            new FakeTimeProvider(SampleEvents.Now),
            NullLogger<RuleSetProvider>.Instance);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _rules.Dispose();
    }

    [Fact]
    public async Task Valid_tested_rule_set_becomes_active_and_is_archived()
    {
        Assert.True(await _provider.TryActivateAsync(default));

        Assert.Equal("1.2.3", _provider.Current.Version);
        var archived = Assert.Single(_register.Archived);
        Assert.Equal(_provider.Current.Hash, archived.Hash);
        Assert.Contains("SEC-001", archived.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_rule_set_replaces_the_active_one_and_is_archived_too()
    {
        await _provider.TryActivateAsync(default);
        _rules.Manifest["version"] = "1.3.0";
        _rules.Write();

        Assert.True(await _provider.TryActivateAsync(default));

        Assert.Equal("1.3.0", _provider.Current.Version);
        Assert.Equal(["1.2.3", "1.3.0"], _register.Archived.Select(a => a.Version));
    }

    [Fact]
    public async Task Invalid_rule_set_is_refused_and_the_active_one_stays()
    {
        await _provider.TryActivateAsync(default);
        var active = _provider.Current;
        _rules.Manifest["version"] = "2.0.0";
        _rules.RuleAt("security.json", 0)["Expression"] = "change.GetType() != null";
        _rules.Write();

        Assert.False(await _provider.TryActivateAsync(default));

        Assert.Same(active, _provider.Current);
        var error = Assert.Single(_provider.LastRefusal!);
        Assert.Equal(("security.json", "SEC-001"), (error.File, error.RuleId));
        Assert.Single(_register.Archived);
    }

    [Fact]
    public async Task Rule_set_whose_tests_fail_is_refused_and_the_active_one_stays()
    {
        await _provider.TryActivateAsync(default);
        var active = _provider.Current;
        _rules.RuleAt("security.json", 0)["Expression"] = "change.ChangeType == \"Decommissioned\"";
        _rules.Write();

        Assert.False(await _provider.TryActivateAsync(default));

        Assert.Same(active, _provider.Current);
        Assert.Contains(_provider.LastRefusal!, e => e.RuleId == "SEC-001" && e.Message.Contains("expected the rule to fire", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rule_set_without_tests_is_refused_when_tests_are_required()
    {
        Directory.Delete(Path.Combine(_rules.Directory, "tests"), recursive: true);

        Assert.False(await _provider.TryActivateAsync(default));

        Assert.False(_provider.HasRuleSet);
        Assert.Contains("no tests folder", Assert.Single(_provider.LastRefusal!).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watcher_activates_a_changed_rule_set_after_the_folder_is_quiet()
    {
        var options = Options.Create(new RulesOptions { Path = _rules.Directory, ReloadDelay = TimeSpan.FromMilliseconds(100) });
        using var watcher = new RuleSetWatcher(_provider, options, NullLogger<RuleSetWatcher>.Instance);
        await watcher.StartAsync(default);
        var activated = new TaskCompletionSource<RuleSet>();
        _provider.Activated += r => activated.TrySetResult(r);

        _rules.Manifest["version"] = "1.4.0";
        _rules.Write();

        var next = await activated.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("1.4.0", next.Version);
        await watcher.StopAsync(default);
    }

    [Fact]
    public async Task Watcher_refuses_to_start_on_an_invalid_rule_set_naming_the_setting()
    {
        _rules.Criteria.Remove("dueDays");
        _rules.Write();
        using var watcher = new RuleSetWatcher(_provider, Options.Create(new RulesOptions { Path = _rules.Directory }), NullLogger<RuleSetWatcher>.Instance);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => watcher.StartAsync(default));

        Assert.Contains("(Rules:Path) was refused: criteria.json: dueDays", ex.Message, StringComparison.Ordinal);
    }

    private void WriteTests() => _rules.WriteTests("""
        { "cases": [
          { "name": "deployed unsigned with unconsented data and low accuracy",
            "event": { "eventId": "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "occurredAt": "2026-11-29T11:00:00Z", "source": "ci",
                       "changeType": "ModelDeployed", "system": { "id": "s", "name": "S", "owner": "o" },
                       "datasets": [ { "name": "d", "containsPersonalData": true } ], "model": { "metrics": { "accuracy": 0.5 } } },
            "mustFire": ["PRIV-001", "PRIV-002", "SEC-001"] },
          { "name": "clean retrain",
            "event": { "eventId": "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "occurredAt": "2026-11-29T11:00:00Z", "source": "ci",
                       "changeType": "ModelRetrained", "system": { "id": "s", "name": "S", "owner": "o" } },
            "mustNotFire": ["PRIV-001", "PRIV-002", "SEC-001"] }
        ] }
        """);

    private sealed class ArchiveSpy : RegisterStub
    {
        public List<RuleSetArchive> Archived { get; } = [];

        public override Task ArchiveRuleSetAsync(RuleSetArchive ruleSet, CancellationToken cancellationToken)
        {
            Archived.Add(ruleSet);
            return Task.CompletedTask;
        }
    }
}

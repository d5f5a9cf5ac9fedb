using System.Diagnostics;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Rules;

/// <summary>
/// The rules folder is input: whatever it holds leads to a refused reload with a reason and the older set active, or
/// to a clean pickup once the folder is back; never a stopped host, a hung reload or an unbounded read. The waits
/// below are guards against a hang (a reload that never returns), not timings.
/// </summary>
public sealed class RuleFolderInputTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly RuleSetBuilder _rules = new();
    private readonly FlakyArchive _register = new();
    private readonly RuleSetProvider _provider;

    public RuleFolderInputTests()
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

    private string InFolder(params string[] parts) => Path.Combine([_rules.Directory, .. parts]);

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Activates the good set, breaks the folder, and returns the refusal; the good set must stay active.</summary>
    private async Task<string> RefusalAfter(Action breakFolder)
    {
        Assert.True(await _provider.TryActivateAsync(default));
        var active = _provider.Current;

        breakFolder();
        var activated = await _provider.TryActivateAsync(default).WaitAsync(HangGuard);

        Assert.False(activated);
        Assert.Same(active, _provider.Current);
        return string.Join("\n", _provider.LastRefusal!.Select(e => e.ToString()));
    }

    [Fact]
    public async Task A_dangling_symbolic_link_is_refused_naming_its_target()
    {
        var refusal = await RefusalAfter(() =>
        {
            File.Delete(InFolder("security.json"));
            File.CreateSymbolicLink(InFolder("security.json"), InFolder("gone.json"));
        });

        Assert.Contains("security.json: the workflow file is a symbolic link to", refusal, StringComparison.Ordinal);
        Assert.Contains("which does not exist", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fifo_named_json_is_refused_without_being_opened()
    {
        var refusal = await RefusalAfter(() =>
        {
            File.Delete(InFolder("security.json"));
            MakeFifo(InFolder("security.json"));
        });

        Assert.Contains("security.json: the workflow file is empty, or not a regular file", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    [InlineData("/dev/null")]
    public async Task A_device_behind_a_json_name_is_refused_without_being_read(string device)
    {
        var refusal = await RefusalAfter(() =>
        {
            File.Delete(InFolder("criteria.json"));
            File.CreateSymbolicLink(InFolder("criteria.json"), device);
        });

        Assert.Contains("criteria.json: the criteria file is empty, or not a regular file", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_rule_file_is_refused_by_its_size()
    {
        var refusal = await RefusalAfter(() =>
        {
            using var file = File.Create(InFolder("privacy.json"));
            file.SetLength(3L * 1024 * 1024 * 1024);
        });

        Assert.Contains($"privacy.json: the workflow file is {3L * 1024 * 1024 * 1024} bytes; the limit is 1024 KiB", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_file_that_is_a_fifo_or_huge_fails_the_rule_tests_without_hanging()
    {
        var refusal = await RefusalAfter(() =>
        {
            MakeFifo(InFolder("tests", "fifo.json"));
            using var huge = File.Create(InFolder("tests", "huge.json"));
            huge.SetLength(2L * 1024 * 1024);
        });

        Assert.Contains("tests/fifo.json: is empty, or not a regular file", refusal, StringComparison.Ordinal);
        Assert.Contains("tests/huge.json: is 2097152 bytes; the limit is 1024 KiB", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("../../../../../../dev/zero")]
    [InlineData("../../outside.json")]
    public async Task A_test_case_whose_base_is_outside_the_folder_is_refused(string baseName)
    {
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(_rules.Directory)!, "outside.json"), "{}");
        var refusal = await RefusalAfter(() => WriteTests(baseName));

        Assert.Contains($"base '{baseName}' must be a file inside the rule set folder", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_case_whose_base_is_a_device_inside_the_folder_is_refused()
    {
        var refusal = await RefusalAfter(() =>
        {
            Directory.CreateDirectory(InFolder("examples"));
            File.CreateSymbolicLink(InFolder("examples", "zero.json"), "/dev/zero");
            WriteTests("../examples/zero.json");
        });

        Assert.Contains("base '../examples/zero.json' is empty, or not a regular file", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_folder_deleted_is_refused_and_picked_up_cleanly_when_it_is_back()
    {
        var options = Options.Create(new RulesOptions { Path = _rules.Directory, ReloadDelay = TimeSpan.FromMilliseconds(100) });
        using var watcher = new RuleSetWatcher(_provider, options, NullLogger<RuleSetWatcher>.Instance);
        await watcher.StartAsync(default);
        var activated = new TaskCompletionSource<RuleSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.Activated += r => activated.TrySetResult(r);

        Directory.Delete(_rules.Directory, recursive: true);
        for (var i = 0; i < 300 && _provider.LastRefusal is null; i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("the rule set folder does not exist", string.Join("; ", _provider.LastRefusal ?? []), StringComparison.Ordinal);
        Assert.Equal("1.2.3", _provider.Current.Version);

        Directory.CreateDirectory(_rules.Directory);
        _rules.Manifest["version"] = "1.5.0";
        _rules.Write();
        WriteTests();

        var next = await activated.Task.WaitAsync(HangGuard);
        Assert.Equal("1.5.0", next.Version);
        Assert.False(watcher.ExecuteTask!.IsCompleted);
        await watcher.StopAsync(default);
    }

    [Fact]
    public async Task A_store_fault_while_archiving_a_new_rule_set_is_retried_not_fatal()
    {
        var options = Options.Create(new RulesOptions { Path = _rules.Directory, ReloadDelay = TimeSpan.FromMilliseconds(100) });
        using var watcher = new RuleSetWatcher(_provider, options, NullLogger<RuleSetWatcher>.Instance);
        await watcher.StartAsync(default);
        var activated = new TaskCompletionSource<RuleSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.Activated += r => activated.TrySetResult(r);

        _register.FailNext = 2;
        _rules.Manifest["version"] = "1.6.0";
        _rules.Write();

        var next = await activated.Task.WaitAsync(HangGuard);
        Assert.Equal("1.6.0", next.Version);
        Assert.Equal(0, _register.FailNext);
        Assert.Equal(["1.2.3", "1.6.0"], _register.Archived.Select(a => a.Version));
        Assert.False(watcher.ExecuteTask!.IsCompleted);
        await watcher.StopAsync(default);
    }

    private void WriteTests(string? baseName = null) => _rules.WriteTests($$"""
        { "cases": [
          { "name": "deployed unsigned with unconsented data and low accuracy",
            {{(baseName is null ? "" : $"\"base\": \"{baseName}\",")}}
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

    /// <summary>A register whose archive fails with a store fault the next <see cref="FailNext"/> times.</summary>
    private sealed class FlakyArchive : RegisterStub
    {
        public List<RuleSetArchive> Archived { get; } = [];

        public int FailNext { get; set; }

        public override Task ArchiveRuleSetAsync(RuleSetArchive ruleSet, CancellationToken cancellationToken)
        {
            if (FailNext > 0)
            {
                FailNext--;
                throw new SqliteException("SQLite Error 5: 'database is locked'.", 5);
            }

            Archived.Add(ruleSet);
            return Task.CompletedTask;
        }

    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Cli;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Aims.Risk.Tests.Cli;

/// <summary>
/// <c>rules diff</c> and <c>rules validate --register</c> on a register that holds the shipped examples, assessed with
/// the shipped pack (archived as the active rule set), against candidates copied from it and changed.
/// </summary>
public sealed class RulesDiffCommandTests : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-diff-{Guid.NewGuid():N}.db");
    private readonly string _candidate = Path.Combine(Path.GetTempPath(), $"aims-risk-candidate-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);
    private RuleSet _shipped = null!;
    private List<AiSystemChanged> _examples = null!;
    private List<AiSystemChanged> _latest = null!;

    private string Register => $"Data Source={_database}";

    public async Task InitializeAsync()
    {
        var register = new SqliteRiskRegister(Register, ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);
        await register.MigrateAsync(default);
        _shipped = RuleSetLoader.Load(RepositoryRoot.Rules);
        await register.ArchiveRuleSetAsync(new RuleSetArchive(_shipped.Version, _shipped.Hash, _shipped.Content, SampleEvents.Now.AddDays(-1)), default);
        _examples = [.. Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => AiSystemChangedReader.Read(File.ReadAllBytes(f), _clock))];
        foreach (var change in _examples)
        {
            // One second apart, so that of two examples of one system the later is its latest input.
            _clock.Advance(TimeSpan.FromSeconds(1));
            _ = await register.RecordAsync(RegisterMapping.ToRecord(new RiskEvaluator(_clock).Evaluate(change, _shipped)), default);
        }

        _latest = [.. _examples.GroupBy(e => e.System.Id).Select(g => g.Last())];

        ShippedRulePack.CopyTo(_candidate);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_database);
        Directory.Delete(_candidate, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_shipped_pack_against_itself_changes_nothing()
    {
        var (code, output, error) = await Diff();

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.Contains($"{_latest.Count} system(s) re-evaluated, 0 would change", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_raised_threshold_shows_every_medium_risk_turning_to_accept_and_exits_0()
    {
        Edit("criteria.json", c => c["acceptanceThreshold"] = "High");
        Bump("1.9.0", "acceptance threshold raised to High");
        var expected = _latest
            .SelectMany(e => new RiskEvaluator(_clock).Evaluate(e, _shipped).Findings
                .Where(f => f.Level == RiskLevel.Medium && f.RecommendedTreatment != Treatment.Accept)
                .Select(f => (e.System.Id, f.RuleId)))
            .Order()
            .ToList();

        var (code, json, error) = await Diff("--format", "json", "--fail-on-new", "Low");

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.NotEmpty(expected);
        var changes = JsonDocument.Parse(json).RootElement.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(expected, changes.Select(c => (c.GetProperty("systemId").GetString()!, c.GetProperty("ruleId").GetString()!)).Order());
        Assert.All(changes, c => Assert.Equal(("TreatmentChanges", "Medium", "Accept"), (c.GetProperty("change").GetString(), c.GetProperty("toLevel").GetString(), c.GetProperty("toTreatment").GetString())));
    }

    [Fact]
    public async Task A_new_rule_shows_the_risks_it_opens_and_fails_the_gate_at_their_level()
    {
        Edit("security.json", w => w["Rules"]!.AsArray().Add(RuleSetBuilder.Rule("SEC-900", "change.System.Exposure == \"Public\"", "security", 4, 4, controls: ["A.6.2.5"])));
        Bump("1.9.0", "SEC-900: public systems");
        var candidate = RuleSetLoader.Load(_candidate);
        var expected = _latest.Where(e => new RiskEvaluator(_clock).Evaluate(e, candidate).Findings.Any(f => f.RuleId == "SEC-900")).Select(e => e.System.Id).Order().ToList();

        var (gate, table, _) = await Diff("--fail-on-new", "High");
        var (pass, _, _) = await Diff("--fail-on-new", "Critical");
        var (_, md, _) = await Diff("--format", "md");

        Assert.NotEmpty(expected);
        Assert.Equal(AimsRiskCli.GateFailed, gate);
        Assert.Equal(AimsRiskCli.Success, pass);
        foreach (var system in expected)
        {
            Assert.Matches($@"(?m)^{system}\s+SEC-900\s+security\s+opens\s+-\s+High \(Mitigate\)$", table);
        }

        Assert.Matches($@"(?m)^opens\s+security\s+High\s+{expected.Count}$", table);
        Assert.Matches($@"(?m)^SEC-900\s+opens\s+{expected.Count}$", table);
        Assert.Contains("| opens | security | High | " + expected.Count + " |", md, StringComparison.Ordinal);
        Assert.Contains("| `SEC-900` | opens | " + expected.Count + " |", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_candidate_that_does_not_load_exits_1_with_its_errors()
    {
        Edit("security.json", w => w["Rules"]![0]!["Properties"]!["likelihood"] = 9);

        var (code, output, error) = await Diff("--fail-on-new", "Low");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains("security.json: SEC-001: likelihood", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task A_register_without_an_archived_rule_set_exits_1()
    {
        var empty = Path.Combine(Path.GetTempPath(), $"aims-risk-empty-{Guid.NewGuid():N}.db");
        try
        {
            await new SqliteRiskRegister($"Data Source={empty}", ResiliencePipeline.Empty).MigrateAsync(default);

            var (code, _, error) = await CliRunner.Run("rules", "diff", "--rules", _candidate, "--register", $"Data Source={empty}");

            Assert.Equal(AimsRiskCli.Invalid, code);
            Assert.Contains("no archived rule set", error, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(empty);
        }
    }

    /// <summary>The active rule set is the one activated last, whatever the order the register returns them in.</summary>
    [Fact]
    public async Task The_candidate_is_compared_with_the_rule_set_activated_last()
    {
        Edit("security.json", w => w["Rules"]!.AsArray().Add(RuleSetBuilder.Rule("SEC-900", "change.System.Exposure == \"Public\"", "security", 4, 4, controls: ["A.6.2.5"])));
        Bump("1.9.0", "SEC-900: public systems");
        var candidate = RuleSetLoader.Load(_candidate);
        var (before, _, _) = await Diff("--fail-on-new", "High");
        var register = new SqliteRiskRegister(Register, ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);
        await register.ArchiveRuleSetAsync(new RuleSetArchive(candidate.Version, candidate.Hash, candidate.Content, SampleEvents.Now), default);

        var (code, output, error) = await Diff("--fail-on-new", "High");

        Assert.Equal(AimsRiskCli.GateFailed, before);
        Assert.True(code == AimsRiskCli.Success, error);
        Assert.Contains($"{_latest.Count} system(s) re-evaluated, 0 would change", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_active_rule_set_that_no_longer_loads_exits_1_naming_it_and_each_error()
    {
        var register = new SqliteRiskRegister(Register, ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);
        await register.ArchiveRuleSetAsync(new RuleSetArchive("2.0.0", "abc123", """{ "manifest.json": 5 }""", SampleEvents.Now), default);

        var (code, output, error) = await Diff("--fail-on-new", "Low");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Empty(output);
        Assert.Equal(
            [
                "the active rule set 2.0.0 (sha256 abc123) does not load with this version of aims-risk:",
                "  manifest.json: is not a file of the rule set folder",
                "",
            ],
            error.Split(Environment.NewLine));
    }

    [Fact]
    public async Task A_changed_candidate_under_the_active_version_is_previewed_with_a_note_to_bump()
    {
        Edit("criteria.json", c => c["acceptanceThreshold"] = "High");

        var (code, _, error) = await Diff();

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains($"note: version {_shipped.Version} is archived with sha256 {_shipped.Hash}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_with_a_register_refuses_a_changed_rule_set_without_a_bump_naming_both_hashes()
    {
        Edit("criteria.json", c => c["dueDays"]!["High"] = 14);
        var changed = RuleSetLoader.Load(_candidate);

        var (code, _, error) = await CliRunner.Run("rules", "validate", "--rules", _candidate, "--register", Register);

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains(_shipped.Hash, error, StringComparison.Ordinal);
        Assert.Contains(changed.Hash, error, StringComparison.Ordinal);
        Assert.Contains("bump", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_with_a_register_requires_a_changelog_entry_when_the_criteria_change()
    {
        Edit("criteria.json", c => c["dueDays"]!["High"] = 14);
        Edit("manifest.json", m => m["version"] = "1.9.0");

        var (refused, _, error) = await CliRunner.Run("rules", "validate", "--rules", _candidate, "--register", Register);
        Bump("1.9.0", "High risks due in 14 days");
        var (accepted, output, _) = await CliRunner.Run("rules", "validate", "--rules", _candidate, "--register", Register);

        Assert.Equal(AimsRiskCli.Invalid, refused);
        Assert.Contains("changelog entry for version 1.9.0", error, StringComparison.Ordinal);
        Assert.Equal(AimsRiskCli.Success, accepted);
        Assert.Contains("checked against 1 archived rule set(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_without_a_register_says_the_version_was_not_checked()
    {
        Edit("criteria.json", c => c["dueDays"]!["High"] = 14);

        var (code, output, _) = await CliRunner.Run("rules", "validate", "--rules", _candidate);

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains("version not checked against the archived rule sets: no register", output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> Diff(params string[] more) =>
        CliRunner.Run([.. new[] { "rules", "diff", "--rules", _candidate, "--register", Register }, .. more]);

    private void Edit(string file, Action<JsonObject> change)
    {
        var path = Path.Combine(_candidate, file);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(json);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), new UTF8Encoding(false));
    }

    private void Bump(string version, string summary) => Edit("manifest.json", m =>
    {
        m["version"] = version;
        m["changelog"] = new JsonArray(new JsonObject
        {
            ["version"] = version,
            ["date"] = "2026-11-29",
            ["author"] = "rule author",
            ["approver"] = "risk owner",
            ["summary"] = summary,
        });
    });
}

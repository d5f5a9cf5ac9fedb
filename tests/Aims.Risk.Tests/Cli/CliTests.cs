using System.Text.Json;
using Aims.Risk.Cli;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Theory]
    [InlineData("--help")]
    [InlineData("rules", "--help")]
    [InlineData("rules", "validate", "--help")]
    [InlineData("rules", "test", "--help")]
    [InlineData("assess", "--help")]
    [InlineData("impact-assessment", "--help")]
    [InlineData("schema", "--help")]
    public async Task Help_is_available_everywhere(params string[] args)
    {
        var (code, output, _) = await CliRunner.Run(args);

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_command_exits_1()
    {
        var (code, _, error) = await CliRunner.Run("frobnicate");

        Assert.Equal(1, code);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_validate_exits_0_on_a_valid_rule_set()
    {
        var (code, output, _) = await CliRunner.Run("rules", "validate", "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains("valid: test 1.2.3, 3 rules in 2 workflows", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_validate_exits_1_listing_every_error()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["likelihood"] = 0;
        _rules.RuleAt("security.json", 0)["Expression"] = "change.GetType() != null";

        var (code, _, error) = await CliRunner.Run("rules", "validate", "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains("2 error(s)", error, StringComparison.Ordinal);
        Assert.Contains("privacy.json: PRIV-001: likelihood", error, StringComparison.Ordinal);
        Assert.Contains("security.json: SEC-001: Expression 'GetType' is not allowed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_test_exits_1_listing_each_failure()
    {
        _rules.Write();
        _rules.WriteTests("""{ "cases": [] }""");

        var (code, output, error) = await CliRunner.Run("rules", "test", "--rules", _rules.Directory);

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains("FAIL privacy.json: PRIV-001: no test case fires this rule", error, StringComparison.Ordinal);
        Assert.Contains("failure(s) in 0 cases", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_prints_findings_as_json_with_rule_ids()
    {
        var file = WriteEvent(SampleEvents.ValidJson);

        var (code, output, _) = await CliRunner.Run("assess", file, "--rules", _rules.Write(), "--format", "json");

        Assert.Equal(AimsRiskCli.Success, code);
        using var json = JsonDocument.Parse(output);
        var assessment = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.Equal("0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", assessment.GetProperty("eventId").GetString());
        var finding = Assert.Single(assessment.GetProperty("findings").EnumerateArray().ToList());
        Assert.Equal("SEC-001", finding.GetProperty("ruleId").GetString());
        Assert.Equal("Critical", finding.GetProperty("level").GetString());
    }

    [Fact]
    public async Task Assess_prints_a_table_by_default()
    {
        var file = WriteEvent(SampleEvents.ValidJson);

        var (code, output, _) = await CliRunner.Run("assess", file, "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains("1 finding(s)", output, StringComparison.Ordinal);
        Assert.Matches(@"SEC-001\s+Critical\s+25\s+Avoid\s+2026-12-06\s+Title of SEC-001", output);
    }

    [Theory]
    [InlineData("Critical", AimsRiskCli.GateFailed)]
    [InlineData("High", AimsRiskCli.GateFailed)]
    public async Task Assess_fail_on_exits_2_when_a_finding_reaches_the_level(string level, int expected)
    {
        var file = WriteEvent(SampleEvents.ValidJson);

        var (code, _, error) = await CliRunner.Run("assess", file, "--rules", _rules.Write(), "--fail-on", level);

        Assert.Equal(expected, code);
        Assert.Contains("SEC-001 (Critical)", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// One Low finding (PRIV-002, likelihood 1, impact 2): the level given decides, at the boundary and on either side of it.
    /// An event without findings would pass at every level and show nothing about the gate.
    /// </summary>
    [Theory]
    [InlineData("Low", AimsRiskCli.GateFailed)]
    [InlineData("Medium", AimsRiskCli.Success)]
    [InlineData("Critical", AimsRiskCli.Success)]
    public async Task Assess_fail_on_compares_the_finding_level_with_the_given_level(string level, int expected)
    {
        var file = WriteEvent(LowFindingJson);

        var (code, output, error) = await CliRunner.Run("assess", file, "--rules", _rules.Write(), "--fail-on", level);

        Assert.Equal(expected, code);
        Assert.Matches(@"PRIV-002\s+Low\s+2\s+Accept\s+-\s+Title of PRIV-002", output);
        if (expected == AimsRiskCli.GateFailed)
        {
            Assert.Equal("gate: 1 finding(s) at or above Low: PRIV-002 (Low)" + Environment.NewLine, error);
        }
        else
        {
            Assert.Empty(error);
        }
    }

    [Fact]
    public async Task Assess_without_fail_on_exits_0_whatever_the_findings()
    {
        var (code, _, error) = await CliRunner.Run("assess", WriteEvent(SampleEvents.ValidJson), "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Assess_fail_on_counts_every_finding_of_every_file_and_names_each_rule_once()
    {
        var critical = WriteEvent(SampleEvents.ValidJson);
        var low = WriteEvent(LowFindingJson);
        var again = WriteEvent(SampleEvents.ValidJson.Replace("0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", "1b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", StringComparison.Ordinal));

        var (code, _, error) = await CliRunner.Run("assess", critical, low, again, "--rules", _rules.Write(), "--fail-on", "High");

        Assert.Equal(AimsRiskCli.GateFailed, code);
        Assert.Equal("gate: 2 finding(s) at or above High: SEC-001 (Critical)" + Environment.NewLine, error);
    }

    [Fact]
    public async Task Assess_fail_on_names_each_rule_at_or_above_the_level_in_file_order()
    {
        var critical = WriteEvent(SampleEvents.ValidJson);
        var low = WriteEvent(LowFindingJson);

        var (code, _, error) = await CliRunner.Run("assess", critical, low, "--rules", _rules.Write(), "--fail-on", "Low");

        Assert.Equal(AimsRiskCli.GateFailed, code);
        Assert.Equal("gate: 2 finding(s) at or above Low: SEC-001 (Critical), PRIV-002 (Low)" + Environment.NewLine, error);
    }

    [Fact]
    public async Task Assess_with_an_invalid_file_exits_1_even_when_another_file_fails_the_gate()
    {
        var critical = WriteEvent(SampleEvents.ValidJson);
        var invalid = WriteEvent("{}");

        var (code, output, error) = await CliRunner.Run("assess", critical, invalid, "--rules", _rules.Write(), "--fail-on", "Low");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains("1 finding(s)", output, StringComparison.Ordinal);
        Assert.Contains($"{invalid}: not a valid AiSystemChanged", error, StringComparison.Ordinal);
        Assert.DoesNotContain("gate:", error, StringComparison.Ordinal);
    }

    /// <summary>A retrained model below the accuracy minimum: PRIV-002 fires at Low, nothing else fires.</summary>
    private static readonly string LowFindingJson = SampleEvents.ValidJson
        .Replace("\"ModelDeployed\"", "\"ModelRetrained\", \"model\": { \"metrics\": { \"accuracy\": 0.7 } }", StringComparison.Ordinal);

    [Fact]
    public async Task Assess_invalid_file_exits_1_naming_the_file_and_the_field()
    {
        var file = WriteEvent(SampleEvents.ValidJson.Replace("\"ModelDeployed\"", "\"Deployed\"", StringComparison.Ordinal));

        var (code, _, error) = await CliRunner.Run("assess", file, "--rules", _rules.Write(), "--fail-on", "Low");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains($"{file}: not a valid AiSystemChanged: $.changeType", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_missing_file_exits_1()
    {
        var (code, _, error) = await CliRunner.Run("assess", "/no/such/event.json", "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains("/no/such/event.json: no such file or folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_with_an_invalid_rule_set_exits_1()
    {
        _rules.Manifest["version"] = "latest";

        var (code, _, error) = await CliRunner.Run("assess", WriteEvent(SampleEvents.ValidJson), "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains("manifest.json: version 'latest' is not a semantic version", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_rejects_an_unknown_format()
    {
        var (code, _, _) = await CliRunner.Run("assess", WriteEvent(SampleEvents.ValidJson), "--format", "xml");

        Assert.Equal(1, code);
    }

    [Fact]
    public async Task Schema_prints_the_generated_contract_schema()
    {
        var (code, output, _) = await CliRunner.Run("schema");

        Assert.Equal(0, code);
        Assert.Equal(Aims.Risk.Core.Events.ContractSchema.Generate(), output);
    }

    private string WriteEvent(string json)
    {
        var path = Path.Combine(_rules.Directory, $"event-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}

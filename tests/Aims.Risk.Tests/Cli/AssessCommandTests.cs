using Aims.Risk.Cli;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Cli;

/// <summary>
/// What <c>assess</c> prints and reads besides the gate: the table exactly, a rule that failed, folders walked in
/// order, the help a pipeline author reads, and errors that end the command with a message instead of a stack trace.
/// </summary>
public sealed class AssessCommandTests : IDisposable
{
    /// <summary>Fires all three rules of the test rule set: PRIV-001 High, PRIV-002 Low, SEC-001 Critical.</summary>
    private static readonly string ThreeFindingsJson = SampleEvents.ValidJson.Replace(
        "\"changeType\": \"ModelDeployed\",",
        "\"changeType\": \"ModelDeployed\", \"datasets\": [ { \"name\": \"loans\", \"containsPersonalData\": true } ], \"model\": { \"metrics\": { \"accuracy\": 0.7 } },",
        StringComparison.Ordinal);

    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    /// <summary>
    /// Each column as wide as its widest cell, the header's (SCORE, TREATMENT) or a row's (PRIV-001, Critical); two spaces
    /// between columns; the title last and unpadded; rows in rule order; Accept findings have no due date.
    /// </summary>
    [Fact]
    public async Task The_table_has_a_header_and_columns_as_wide_as_their_widest_cell()
    {
        var file = WriteEvent("three.json", ThreeFindingsJson);

        var (code, output, error) = await CliRunner.Run("assess", file, "--rules", _rules.Write(), "--format", "table");

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Empty(error);
        Assert.Equal(
            $"""
            {file}: credit-scoring ModelDeployed (event 0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f), rule set 1.2.3: 3 finding(s)
              RULE      LEVEL     SCORE  TREATMENT  DUE         TITLE
              PRIV-001  High      16     Mitigate   2026-12-29  Title of PRIV-001
              PRIV-002  Low       2      Accept     -           Title of PRIV-002
              SEC-001   Critical  25     Avoid      2026-12-06  Title of SEC-001

            """.ReplaceLineEndings(),
            output);
    }

    /// <summary>JSON output is an indented array, one object per file, with the event's identity before its findings.</summary>
    [Fact]
    public async Task Json_output_is_an_indented_array_of_one_object_per_file()
    {
        var file = WriteEvent("three.json", ThreeFindingsJson);

        var (code, output, _) = await CliRunner.Run("assess", file, "--rules", _rules.Write(), "--format", "json");

        Assert.Equal(AimsRiskCli.Success, code);
        var nl = Environment.NewLine;
        Assert.StartsWith($"[{nl}  {{{nl}    \"file\": ", output, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var assessment = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.Equal(
            ["file", "eventId", "systemId", "changeType", "ruleSetVersion", "ruleSetHash", "assessedAt", "findings", "errors"],
            assessment.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["PRIV-001", "PRIV-002", "SEC-001"], assessment.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()));
    }

    [Fact]
    public async Task An_event_without_findings_prints_its_line_and_no_table()
    {
        var file = WriteEvent("none.json", SampleEvents.ValidJson.Replace("\"ModelDeployed\"", "\"ModelRetrained\"", StringComparison.Ordinal));

        var (code, output, _) = await CliRunner.Run("assess", file, "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Equal($"{file}: credit-scoring ModelRetrained (event 0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f), rule set 1.2.3: 0 finding(s){Environment.NewLine}", output);
    }

    /// <summary>A rule that throws is listed under its event with the exception, and counts as not fired: the gate passes.</summary>
    [Fact]
    public async Task A_rule_that_fails_to_evaluate_is_listed_under_its_event()
    {
        _rules.RuleAt("security.json", 0)["Expression"] = "change.Security.CriticalVulnerabilities / (change.Security.CriticalVulnerabilities - 1) > 0";
        var file = WriteEvent("fails.json", SampleEvents.ValidJson.Replace("\"changeType\": \"ModelDeployed\",", "\"changeType\": \"ModelDeployed\", \"security\": { \"criticalVulnerabilities\": 1 },", StringComparison.Ordinal));

        var (code, output, error) = await CliRunner.Run("assess", file, "--rules", _rules.Write(), "--fail-on", "Low");

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Empty(error);
        var lines = output.Split(Environment.NewLine);
        Assert.EndsWith("0 finding(s)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("  rule SEC-001 failed to evaluate: DivideByZeroException: ", lines[1], StringComparison.Ordinal);
        Assert.Equal([""], lines[2..]);
    }

    /// <summary>Files of nested folders are assessed too, each folder's files in ordinal order of their full path.</summary>
    [Fact]
    public async Task A_folder_is_walked_into_its_subfolders_in_ordinal_order()
    {
        var folder = Path.Combine(_rules.Directory, "events");
        var names = new[] { "b.json", Path.Combine("a", "z.json"), "B.json", Path.Combine("a", "deeper", "x.json") };
        foreach (var name in names)
        {
            WriteEvent(Path.Combine("events", name), SampleEvents.ValidJson);
        }

        WriteEvent(Path.Combine("events", "notes.txt"), "not an event");

        var (code, output, error) = await CliRunner.Run("assess", folder, "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Empty(error);
        var assessed = output.Split(Environment.NewLine).Where(l => l.Contains("(event ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(": credit-scoring", StringComparison.Ordinal)]);
        Assert.Equal(names.Select(n => Path.Combine(folder, n)).Order(StringComparer.Ordinal), assessed);
    }

    [Fact]
    public async Task Each_format_named_in_the_help_is_accepted_and_another_is_refused_by_name()
    {
        var file = WriteEvent("one.json", SampleEvents.ValidJson);
        var rules = _rules.Write();

        var table = await CliRunner.Run("assess", file, "--rules", rules, "--format", "table");
        var json = await CliRunner.Run("assess", file, "--rules", rules, "--format", "json");
        var xml = await CliRunner.Run("assess", file, "--rules", rules, "--format", "xml");

        Assert.Equal((AimsRiskCli.Success, ""), (table.ExitCode, table.Error));
        Assert.Matches(@"(?m)^  SEC-001  Critical  25 ", table.Output);
        Assert.Equal((AimsRiskCli.Success, ""), (json.ExitCode, json.Error));
        Assert.StartsWith("[", json.Output, StringComparison.Ordinal);
        Assert.Equal(AimsRiskCli.Invalid, xml.ExitCode);
        Assert.Contains("'xml'", xml.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(event ", xml.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_help_documents_the_gate_and_its_options()
    {
        var (code, output, _) = await CliRunner.Run("assess", "--help");

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains("Assess change events against the rule set and print the findings", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m) assess <FILE\|DIR>\.\.\. \[options\]\r?$", output);
        Assert.Matches(@"(?m)^  <FILE\|DIR>\s+AiSystemChanged JSON files, or folders of them \(\*\.json\)\r?$", output);
        Assert.Matches(@"(?m)^  --rules <DIR>\s+The rule set folder \(default: the Rules:Path setting, else \./rules\)\r?$", output);
        Assert.Matches(@"(?m)^  --format <json\|table>\s+Output format \[default: table\]\r?$", output);
        Assert.Matches(@"(?m)^  --fail-on <LEVEL>\s+Exit 2 when any finding is at or above this level \(Low, Medium, High, Critical\)\r?$", output);
    }

    [Fact]
    public async Task Rules_diff_help_documents_the_candidate_the_register_and_the_gate()
    {
        var (code, output, _) = await CliRunner.Run("rules", "diff", "--help");

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains("What the candidate rule set would change in the register: risks that open, resolve, change level or treatment", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  --rules <DIR>\s+The candidate rule set folder \(default: the Rules:Path setting, else \./rules\)\r?$", output);
        Assert.Matches(@"(?m)^  --register <CONNECTION>\s+The register's connection string \(default: the ConnectionStrings:RiskRegister setting\)\r?$", output);
        Assert.Matches(@"(?m)^  --format <json\|md\|table>\s+Output format \(md: for a pull-request comment\) \[default: table\]\r?$", output);
        Assert.Matches(@"(?m)^  --fail-on-new <LEVEL>\s+Exit 2 when a risk at or above this level would open \(Low, Medium, High, Critical\)\r?$", output);
    }

    [Fact]
    public async Task The_tool_help_names_what_it_is()
    {
        var (code, output, _) = await CliRunner.Run("--help");

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains("aims-risk: automated AI risk assessment under ISO/IEC 42001", output, StringComparison.Ordinal);
    }

    /// <summary>A bad setting ends the command with one line naming the key (exit 1), not an exception and its stack trace.</summary>
    [Fact]
    public async Task A_bad_storage_setting_is_one_line_naming_the_key()
    {
        var (code, output, error) = await CliRunner.RunWith(
            new Dictionary<string, string?> { ["Storage:Provider"] = "7", ["ConnectionStrings:RiskRegister"] = $"Data Source={Path.Combine(_rules.Directory, "register.db")}" },
            "rules", "diff", "--rules", _rules.Write());

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Empty(output);
        Assert.StartsWith("configuration error: ", error, StringComparison.Ordinal);
        Assert.Contains("Storage:Provider", error, StringComparison.Ordinal);
        Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A register file that is not a database: one line with the store's message (exit 1).</summary>
    [Fact]
    public async Task A_register_that_is_not_a_database_is_one_line_naming_the_problem()
    {
        var register = WriteEvent("register.db", new string('x', 4096));

        var (code, output, error) = await CliRunner.Run("rules", "diff", "--rules", _rules.Write(), "--register", $"Data Source={register}");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    private string WriteEvent(string name, string json)
    {
        var path = Path.Combine(_rules.Directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }
}

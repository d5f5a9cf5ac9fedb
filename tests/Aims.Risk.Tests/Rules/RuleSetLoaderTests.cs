using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Rules;

public sealed class RuleSetLoaderTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Load_valid_rule_set_compiles_every_rule_in_manifest_order()
    {
        var ruleSet = RuleSetLoader.Load(_rules.Write());

        Assert.Equal("1.2.3", ruleSet.Version);
        Assert.Equal(["PRIV-001", "PRIV-002", "SEC-001"], ruleSet.Rules.Select(r => r.Definition.Id));
        Assert.Equal(RiskLevel.Critical, ruleSet.Rules[2].Level);
        Assert.Equal(Treatment.Avoid, ruleSet.Rules[2].Definition.Treatment);
        Assert.Equal(["A.6.2.5", "A.6.2.4"], ruleSet.Rules[2].Definition.Controls);
        Assert.Matches("^[0-9a-f]{64}$", ruleSet.Hash);
    }

    [Fact]
    public void Hash_is_stable_for_the_same_content_and_changes_with_any_rule_file()
    {
        var first = RuleSetLoader.Load(_rules.Write()).Hash;
        var again = RuleSetLoader.Load(_rules.Write()).Hash;
        _rules.RuleAt("security.json", 0)["Properties"]!["impact"] = 4;
        var changed = RuleSetLoader.Load(_rules.Write()).Hash;

        Assert.Equal(first, again);
        Assert.NotEqual(first, changed);
    }

    [Fact]
    public void Content_archives_every_file_that_determines_results()
    {
        var ruleSet = RuleSetLoader.Load(_rules.Write());
        var content = JsonNode.Parse(ruleSet.Content)!.AsObject();

        Assert.Equal(["manifest.json", "criteria.json", "privacy.json", "security.json"], content.Select(p => p.Key));
        Assert.Contains("SEC-001", content["security.json"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_rule_is_validated_but_not_evaluated()
    {
        _rules.RuleAt("privacy.json", 1)["Enabled"] = false;

        var ruleSet = RuleSetLoader.Load(_rules.Write());

        Assert.DoesNotContain(ruleSet.Rules, r => r.Definition.Id == "PRIV-002");
    }

    [Fact]
    public void Missing_folder_is_refused()
    {
        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(Path.Combine(_rules.Directory, "nope")));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_manifest_is_refused_naming_the_file()
    {
        _rules.Write();
        File.Delete(Path.Combine(_rules.Directory, "manifest.json"));

        AssertError(null, "manifest.json", null, "does not exist");
    }

    [Fact]
    public void File_that_is_not_json_is_refused_naming_the_file()
    {
        _rules.Write();
        File.WriteAllText(Path.Combine(_rules.Directory, "security.json"), "{ \"WorkflowName\": \"security\", ");

        AssertError(null, "security.json", null, "is not valid JSON");
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("01.0.0")]
    public void Manifest_version_must_be_semantic(string version)
    {
        _rules.Manifest["version"] = version;
        AssertError(_rules.Write(), "manifest.json", null, "is not a semantic version");
    }

    [Fact]
    public void Schema_violation_the_loader_does_not_check_itself_is_reported()
    {
        _rules.Manifest["description"] = 42;
        AssertError(_rules.Write(), "manifest.json", null, "schema: /description");
    }

    [Fact]
    public void Manifest_naming_a_missing_workflow_is_refused()
    {
        _rules.Manifest["workflows"]!.AsArray().Add("ethics.json");
        AssertError(_rules.Write(), "ethics.json", null, "the workflow file does not exist");
    }

    [Theory]
    [InlineData("../outside.json")]
    [InlineData("/etc/passwd")]
    public void Manifest_paths_must_stay_inside_the_rule_folder(string path)
    {
        _rules.Manifest["workflows"]!.AsArray().Add(path);
        AssertError(_rules.Write(), "manifest.json", null, "must be a file inside the rule set folder");
    }

    [Fact]
    public void Workflow_name_must_be_a_category()
    {
        _rules.Workflows["security.json"]["WorkflowName"] = "safety";
        AssertError(_rules.Write(), "security.json", null, "is not a category");
    }

    [Fact]
    public void Two_workflows_for_one_category_are_refused()
    {
        _rules.Workflows["security.json"]["WorkflowName"] = "privacy";
        _rules.RuleAt("security.json", 0)["Properties"]!["category"] = "privacy";
        AssertError(_rules.Write(), "security.json", null, "one workflow per category");
    }

    [Fact]
    public void Rule_ids_must_be_unique_across_files()
    {
        _rules.RuleAt("security.json", 0)["RuleName"] = "PRIV-001";
        AssertError(_rules.Write(), "security.json", "PRIV-001", "privacy.json has a rule with the same id");
    }

    [Theory]
    [InlineData("priv-1")]
    [InlineData("PRIVACY-RULE-1")]
    public void Rule_ids_must_follow_the_pattern(string id)
    {
        _rules.RuleAt("privacy.json", 0)["RuleName"] = id;
        AssertError(_rules.Write(), "privacy.json", id, "RuleName must look like PRIV-001");
    }

    [Theory]
    [InlineData("likelihood", "0")]
    [InlineData("likelihood", "6")]
    [InlineData("impact", "2.5")]
    [InlineData("impact", "\"3\"")]
    public void Scores_must_be_whole_numbers_from_1_to_5(string key, string value)
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]![key] = JsonNode.Parse(value);
        AssertError(_rules.Write(), "privacy.json", "PRIV-001", $"{key}: a whole number from 1 to 5 is required");
    }

    [Fact]
    public void Treatment_must_be_one_of_the_four_options()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["treatment"] = "Ignore";
        AssertError(_rules.Write(), "privacy.json", "PRIV-001", "treatment: one of Mitigate, Avoid, Transfer, Accept is required");
    }

    [Theory]
    [InlineData("A.11.1")]
    [InlineData("A.7")]
    [InlineData("7.2")]
    public void Controls_must_be_real_annex_a_controls(string control)
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["controls"] = new JsonArray(control);
        AssertError(_rules.Write(), "privacy.json", "PRIV-001", $"'{control}' is not an ISO/IEC 42001 Annex A control id");
    }

    [Fact]
    public void Controls_are_required()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["controls"] = new JsonArray();
        AssertError(_rules.Write(), "privacy.json", "PRIV-001", "controls: a non-empty list of ids is required");
    }

    [Fact]
    public void Nist_and_mit_ids_must_exist()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["nist"] = new JsonArray("MEASURE 9.9");
        _rules.RuleAt("privacy.json", 1)["Properties"]!["mitDomain"] = "9.9";
        var errors = Errors(_rules.Write());

        Assert.Contains(errors, e => e.RuleId == "PRIV-001" && e.Message.Contains("'MEASURE 9.9' is not a NIST AI RMF id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.RuleId == "PRIV-002" && e.Message.Contains("mitDomain", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_title_and_rationale_are_named()
    {
        var properties = _rules.RuleAt("privacy.json", 0)["Properties"]!.AsObject();
        properties.Remove("title");
        properties["rationale"] = " ";
        var errors = Errors(_rules.Write());

        Assert.Contains(errors, e => e.RuleId == "PRIV-001" && e.Message.Contains("title", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.RuleId == "PRIV-001" && e.Message.Contains("rationale", StringComparison.Ordinal));
    }

    [Fact]
    public void Rule_category_must_match_its_workflow()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["category"] = "security";
        AssertError(_rules.Write(), "privacy.json", "PRIV-001", "differs from the workflow's 'privacy'");
    }

    [Fact]
    public void Misspelt_property_key_is_refused()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["likelyhood"] = 3;
        AssertError(_rules.Write(), "privacy.json", "PRIV-001", "unknown key 'likelyhood'");
    }

    [Theory]
    [InlineData("Actions", """{ "OnSuccess": { "Name": "OutputExpression", "Context": { "Expression": "1" } } }""", "Actions are not supported")]
    [InlineData("Rules", """[]""", "nested rules")]
    [InlineData("Operator", "\"And\"", "nested rules")]
    [InlineData("LocalParams", """[{ "Name": "x", "Expression": "1" }]""", "LocalParams are not supported")]
    [InlineData("WorkflowsToInject", """["other"]""", "not supported")]
    [InlineData("RuleExpressionType", "\"Other\"", "only LambdaExpression is supported")]
    public void Unsupported_rulesengine_features_are_refused(string key, string value, string expected)
    {
        _rules.RuleAt("privacy.json", 0)[key] = JsonNode.Parse(value);
        AssertError(_rules.Write(), "privacy.json", "PRIV-001", expected);
    }

    [Fact]
    public void Expression_that_does_not_compile_is_refused_with_the_position()
    {
        _rules.RuleAt("privacy.json", 1)["Expression"] = "change.Model.Metrics.Acuracy < 0.8";
        AssertError(_rules.Write(), "privacy.json", "PRIV-002", "does not compile: No property or field 'Acuracy'");
    }

    [Fact]
    public void Expression_that_is_not_boolean_is_refused()
    {
        _rules.RuleAt("privacy.json", 1)["Expression"] = "change.Model.Metrics.Accuracy";
        AssertError(_rules.Write(), "privacy.json", "PRIV-002", "does not compile");
    }

    [Fact]
    public void Rationale_placeholder_is_compiled_and_guarded_too()
    {
        _rules.RuleAt("privacy.json", 1)["Properties"]!["rationale"] = "Accuracy {change.GetType().Assembly.Location}";
        AssertError(_rules.Write(), "privacy.json", "PRIV-002", "rationale placeholder {change.GetType().Assembly.Location} 'GetType' is not allowed");
    }

    [Fact]
    public void Rationale_with_an_unbalanced_brace_is_refused()
    {
        _rules.RuleAt("privacy.json", 1)["Properties"]!["rationale"] = "Accuracy {change.Model.Metrics.Accuracy";
        AssertError(_rules.Write(), "privacy.json", "PRIV-002", "has no closing '}'");
    }

    [Fact]
    public void Grid_with_a_missing_row_is_refused()
    {
        _rules.Criteria["grid"]!.AsArray().RemoveAt(4);
        AssertError(_rules.Write(), "criteria.json", null, "grid: 5 rows");
    }

    [Fact]
    public void Grid_with_a_short_row_is_refused()
    {
        _rules.Criteria["grid"]![2]!.AsArray().RemoveAt(0);
        AssertError(_rules.Write(), "criteria.json", null, "row 3 (likelihood 3) must list 5 levels");
    }

    [Fact]
    public void Grid_with_an_unknown_level_is_refused_naming_the_cell()
    {
        _rules.Criteria["grid"]![1]![3] = "Severe";
        AssertError(_rules.Write(), "criteria.json", null, "likelihood 2, impact 4: 'Severe' is not a level");
    }

    [Fact]
    public void Grid_whose_level_falls_as_impact_grows_is_refused()
    {
        _rules.Criteria["grid"]![4]![4] = "Low";
        AssertError(_rules.Write(), "criteria.json", null, "levels must not fall as impact grows");
    }

    [Fact]
    public void Threshold_and_due_days_are_required()
    {
        _rules.Criteria.Remove("acceptanceThreshold");
        _rules.Criteria["dueDays"]!.AsObject().Remove("Critical");
        var errors = Errors(_rules.Write());

        Assert.Contains(errors, e => e.File == "criteria.json" && e.Message.Contains("acceptanceThreshold", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "criteria.json" && e.Message.Contains("dueDays.Critical", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_is_reported_at_once_across_files()
    {
        _rules.Manifest["version"] = "one";
        _rules.Criteria["grid"]![0]![0] = "Tiny";
        _rules.RuleAt("privacy.json", 0)["Properties"]!["likelihood"] = 9;
        _rules.RuleAt("privacy.json", 1)["Expression"] = "change.Nope";
        _rules.RuleAt("security.json", 0)["Properties"]!["controls"] = new JsonArray("A.99");

        var errors = Errors(_rules.Write());

        Assert.Contains(errors, e => e.File == "manifest.json");
        Assert.Contains(errors, e => e.File == "criteria.json");
        Assert.Contains(errors, e => e.RuleId == "PRIV-001");
        Assert.Contains(errors, e => e.RuleId == "PRIV-002");
        Assert.Contains(errors, e => e.RuleId == "SEC-001");
    }

    [Fact]
    public void Error_message_names_file_rule_and_problem()
    {
        _rules.RuleAt("security.json", 0)["Properties"]!["impact"] = 7;
        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains("security.json: SEC-001: impact: a whole number from 1 to 5 is required (found 7)", ex.Message, StringComparison.Ordinal);
    }

    private static List<RuleSetError> Errors(string directory) =>
        [.. Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(directory)).Errors];

    private void AssertError(string? directory, string file, string? ruleId, string expected)
    {
        var errors = Errors(directory ?? _rules.Directory);
        Assert.True(
            errors.Any(e => e.File == file && (ruleId is null || e.RuleId == ruleId) && e.ToString().Contains(expected, StringComparison.Ordinal)),
            $"expected an error in {file} {ruleId} containing \"{expected}\"; got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }
}

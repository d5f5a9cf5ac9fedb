using System.Text.Json.Nodes;
using Aims.Risk.Core.Impact;
using static Aims.Risk.Tests.Impact.ImpactDrafts;

namespace Aims.Risk.Tests.Impact;

/// <summary>A completed impact assessment is read back from either format the draft is written in, strictly.</summary>
public sealed class ImpactAssessmentReaderTests
{
    private const string SystemId = "instant-credit-decision";

    [Fact]
    public void A_completed_markdown_draft_reads_back_what_the_register_keeps()
    {
        var change = Read(IntendedUseChange());

        var document = ReadOk(Complete(MarkdownDraft(change)), ImpactAssessmentReader.Markdown);

        AssertDocumentOf(change, document);
    }

    [Fact]
    public void A_completed_json_draft_reads_back_the_same()
    {
        var change = Read(IntendedUseChange());

        var markdown = ReadOk(Complete(MarkdownDraft(change)), ImpactAssessmentReader.Markdown);
        var json = ReadOk(Complete(JsonNode.Parse(JsonDraft(change))!.AsObject()), ImpactAssessmentReader.Json);

        AssertDocumentOf(change, json);
        Assert.Equal(markdown with { CoveredRuleIds = [] }, json with { CoveredRuleIds = [] });
        Assert.Equal(markdown.CoveredRuleIds, json.CoveredRuleIds);
    }

    [Fact]
    public void The_draft_as_written_is_refused_naming_each_part_still_to_complete()
    {
        var change = Read(IntendedUseChange());
        var draft = Draft(change);
        var impacts = draft.IndividualImpacts.Count + draft.SocietalImpacts.Count;

        var markdown = Problems(MarkdownDraft(change), ImpactAssessmentReader.Markdown);
        var json = Problems(JsonDraft(change), ImpactAssessmentReader.Json);

        Assert.Equal(impacts + 4, markdown.Count);
        Assert.All(markdown, p => Assert.Matches(@"^line \d+ \(#+ .+\): still to complete", p));
        Assert.Contains(markdown, p => p.Contains("(### Benefits (A.5.4, A.5.5))", StringComparison.Ordinal));
        Assert.Contains(markdown, p => p.Contains("(### ETH-004: Intended use changed without an AI system impact assessment): still to complete", StringComparison.Ordinal));
        Assert.Equal(impacts + 4, json.Count);
        Assert.Contains("individualImpacts[0].decision: still to complete (replace the part that begins with '_to complete' with the owner's answer)", json);
        Assert.Contains(json, p => p.StartsWith("reviewBy: still to complete", StringComparison.Ordinal));
        Assert.Contains(json, p => p.StartsWith("consulted[0]: still to complete", StringComparison.Ordinal));
    }

    [Fact]
    public void Markdown_without_a_section_or_a_decision_or_with_a_bad_review_date_is_refused_with_each_problem()
    {
        var completed = Complete(MarkdownDraft(Read(IntendedUseChange())));
        var broken = completed
            .Replace("## Who is affected (A.5.4)", "## Who might be affected", StringComparison.Ordinal)
            .Replace("### Consulted", "### People we talked to", StringComparison.Ordinal)
            .Replace($"- review by: {ReviewBy}", "- review by: 30/06/2027", StringComparison.Ordinal);
        var firstDecision = broken.IndexOf("- decision:", StringComparison.Ordinal);
        broken = broken.Remove(firstDecision, broken.IndexOf('\n', firstDecision) - firstDecision);

        var problems = Problems(broken, ImpactAssessmentReader.Markdown);

        Assert.Contains("section '## Who is affected (A.5.4)' is missing: keep the draft's sections", problems);
        Assert.Contains("part '### Consulted' of '## To complete by the owner' is missing: keep the draft's parts", problems);
        Assert.Contains(problems, p => p.EndsWith("(review by): '30/06/2027' is not a date (YYYY-MM-DD)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("the decision is missing", StringComparison.Ordinal) && p.StartsWith("line ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("nobody is named", StringComparison.Ordinal));
    }

    [Fact]
    public void A_review_date_not_after_today_is_refused()
    {
        var markdown = Complete(MarkdownDraft(Read(IntendedUseChange()))).Replace(ReviewBy, Today.ToString("yyyy-MM-dd", null), StringComparison.Ordinal);

        var problem = Assert.Single(Problems(markdown, ImpactAssessmentReader.Markdown));

        Assert.Matches(@"^line \d+ \(review by\): 2026-11-29 is not after today \(2026-11-29\): plan the next review$", problem);
    }

    [Fact]
    public void The_file_of_another_system_is_refused_naming_both()
    {
        var markdown = Complete(MarkdownDraft(Read(IntendedUseChange())));

        var problems = new List<string>();
        Assert.Null(ImpactAssessmentReader.Read(markdown, ImpactAssessmentReader.Markdown, "credit-scoring", Today, problems));

        Assert.Matches(@"^line \d+ \(system\): the assessment of system 'instant-credit-decision', not of 'credit-scoring' \(--system\)$", Assert.Single(problems));
    }

    [Fact]
    public void A_system_without_a_declared_purpose_has_no_intended_use_to_assess()
    {
        var json = IntendedUseChange();
        _ = json["system"]!.AsObject().Remove("purpose");
        var change = Read(json);

        var markdown = Problems(Complete(MarkdownDraft(change)), ImpactAssessmentReader.Markdown);
        var fromJson = Problems(Complete(JsonNode.Parse(JsonDraft(change))!.AsObject()), ImpactAssessmentReader.Json);

        Assert.Matches(@"^line \d+ \(purpose\): not declared: an impact assessment assesses an intended use; write the system's purpose$", Assert.Single(markdown));
        Assert.Equal("purpose: missing: the intended use assessed (the system's purpose)", Assert.Single(fromJson));
    }

    [Fact]
    public void Json_with_an_unknown_field_a_wrong_type_or_a_malformed_value_is_refused_with_each_path()
    {
        var draft = JsonNode.Parse(Complete(JsonNode.Parse(JsonDraft(Read(IntendedUseChange())))!.AsObject()))!.AsObject();
        draft["benefit"] = "typo";
        draft["consulted"] = "DPO";
        draft["ruleSetHash"] = "ABC";
        draft["eventId"] = "not-a-uuid";
        draft["individualImpacts"]![0]!["decison"] = "typo";
        draft["individualImpacts"]![1]!["likelihood"] = "high";
        draft["individualImpacts"]![2]!.AsObject().Remove("decision");

        var problems = Problems(draft.ToJsonString(), ImpactAssessmentReader.Json);

        Assert.Contains("benefit: not a field of an impact assessment (the fields are the draft's)", problems);
        Assert.Contains("consulted: a list of strings, not String", problems);
        Assert.Contains("consulted: nobody is named: list who was consulted on the impacts and their severity", problems);
        Assert.Contains("ruleSetHash: 'ABC' is not a SHA-256 in lower-case hex (64 characters)", problems);
        Assert.Contains("eventId: 'not-a-uuid' is not an event id (a UUID)", problems);
        Assert.Contains("individualImpacts[0].decison: not a field of an impact (the fields are the draft's)", problems);
        Assert.Contains("individualImpacts[1].likelihood: a number, not String", problems);
        Assert.Contains(problems, p => p.StartsWith("individualImpacts[2] (", StringComparison.Ordinal) && p.EndsWith("): the decision is missing: how the impact is treated and by when, or who accepts the residual risk", StringComparison.Ordinal));
        Assert.Equal(8, problems.Count);
    }

    [Theory]
    [InlineData("{ \"systemId\": ", ImpactAssessmentReader.Json, "not valid JSON")]
    [InlineData("[1, 2]", ImpactAssessmentReader.Json, "not an impact assessment: the JSON is Array, not an object")]
    [InlineData("{ \"systemId\": \"a\", \"systemId\": \"b\" }", ImpactAssessmentReader.Json, "not valid JSON")]
    [InlineData("# Meeting notes\n\nNothing here.", ImpactAssessmentReader.Markdown, "line 1: not an impact assessment: it begins with '# AI system impact assessment' as the draft does")]
    [InlineData("", ImpactAssessmentReader.Markdown, "line 0: not an impact assessment")]
    public void A_file_that_is_not_an_impact_assessment_is_refused_saying_so(string text, string format, string expected)
    {
        var problem = Assert.Single(Problems(text, format));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_based_on_row_that_is_not_the_draft_s_is_refused_once()
    {
        var markdown = Complete(MarkdownDraft(Read(IntendedUseChange())));
        var start = markdown.IndexOf("| based on |", StringComparison.Ordinal);
        var broken = markdown.Remove(start, markdown.IndexOf('\n', start) - start).Insert(start, "| based on | the latest event |");

        var problem = Assert.Single(Problems(broken, ImpactAssessmentReader.Markdown));

        Assert.Matches(@"^line \d+ \(based on\): expected 'event <id> \(<change type>, <time> UTC\), rule set <version> \(<sha256>\)' as the draft wrote it$", problem);
    }

    [Theory]
    [InlineData("a.md", "md")]
    [InlineData("a.MARKDOWN", "md")]
    [InlineData("dir.v2/a.json", "json")]
    [InlineData("a.txt", null)]
    [InlineData("a", null)]
    public void The_format_is_read_from_the_file_name(string path, string? format)
    {
        Assert.Equal(format, ImpactAssessmentReader.FormatOf(path));
    }

    private static void AssertDocumentOf(Contracts.AiSystemChanged change, ImpactAssessmentDocument document)
    {
        var draft = Draft(change);
        Assert.Equal(SystemId, document.SystemId);
        Assert.Equal(change.System.Purpose, document.Purpose);
        Assert.Equal(change.Model!.Version, document.ModelVersion);
        Assert.Equal(change.EventId, document.BasedOnEventId);
        Assert.Equal((ShippedRules.Version, ShippedRules.Hash), (document.RuleSetVersion, document.RuleSetHash));
        Assert.Equal(DateOnly.Parse(ReviewBy, null), document.ReviewBy);
        Assert.Contains("ETH-004", document.CoveredRuleIds);
        Assert.Equal(draft.IndividualImpacts.Concat(draft.SocietalImpacts).Select(i => i.RuleId).Distinct().Order(StringComparer.Ordinal), document.CoveredRuleIds);
    }

    private static ImpactAssessmentDocument ReadOk(string text, string format)
    {
        var problems = new List<string>();
        var document = ImpactAssessmentReader.Read(text, format, SystemId, Today, problems);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        return document!;
    }

    private static List<string> Problems(string text, string format)
    {
        var problems = new List<string>();
        Assert.Null(ImpactAssessmentReader.Read(text, format, SystemId, Today, problems));
        return problems;
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Impact;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Impact;

/// <summary>Drafts of the shipped pack's examples, and the same drafts as an owner completes them.</summary>
internal static partial class ImpactDrafts
{
    public const string ReviewBy = "2027-06-30";

    private static readonly Lazy<RuleSet> Shipped = new(() => RuleSetLoader.Load(RepositoryRoot.Rules));

    private static readonly JsonSerializerOptions Indented = new(ContractJson.Options) { WriteIndented = true };

    public static RuleSet ShippedRules => Shipped.Value;

    public static DateOnly Today => DateOnly.FromDateTime(SampleEvents.Now.UtcDateTime);

    /// <summary>An example event, as JSON to change.</summary>
    public static JsonObject Example(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Rules, "examples", name + ".json")))!.AsObject();

    /// <summary>The automated credit decision's intended use changing, with no word on an impact assessment: ETH-004 fires.</summary>
    public static JsonObject IntendedUseChange()
    {
        var json = Example("automated-credit-decision");
        json["changeType"] = "IntendedUseChanged";
        _ = json["attributes"]!.AsObject().Remove(ImpactAssessmentEvidence.CompletedAttribute);
        return json;
    }

    public static AiSystemChanged Read(JsonObject json) => AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()), new FakeTimeProvider(SampleEvents.Now));

    public static ImpactAssessmentDraft Draft(AiSystemChanged change) =>
        ImpactAssessmentDraft.From(new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now)).Evaluate(change, ShippedRules), SampleEvents.Now);

    public static string MarkdownDraft(AiSystemChanged change) => ImpactAssessmentMarkdown.Write(Draft(change));

    public static string JsonDraft(AiSystemChanged change) => JsonSerializer.Serialize(Draft(change), Indented);

    /// <summary>The Markdown draft with every part to complete answered.</summary>
    public static string Complete(string markdown)
    {
        var review = markdown.Replace($"{ImpactAssessmentDraft.Placeholder}: YYYY-MM-DD_", ReviewBy, StringComparison.Ordinal);
        return PlaceholderPattern().Replace(review, m => m.Value.StartsWith("- decision", StringComparison.Ordinal)
            ? "- decision: mitigate by 2027-01-31; the credit risk committee approves the plan"
            : m.Groups["bullet"].Value + "Answered by the owner after the workshop of 2026-11-20.");
    }

    /// <summary>The JSON draft with every part to complete answered.</summary>
    public static string Complete(JsonObject draft)
    {
        draft["benefits"] = "Decisions in minutes for applicants; the same criteria for everyone.";
        draft["consulted"] = new JsonArray("DPO, 2026-11-20", "Consumer panel, 2026-11-21");
        draft["additionalImpacts"] = "Misuse for marketing: blocked by purpose limitation.";
        draft["reviewBy"] = ReviewBy;
        foreach (var section in new[] { "individualImpacts", "societalImpacts" })
        {
            foreach (var impact in draft[section]!.AsArray())
            {
                impact!["decision"] = "mitigate by 2027-01-31; the credit risk committee approves the plan";
            }
        }

        return draft.ToJsonString(Indented);
    }

    [GeneratedRegex(@"(?<bullet>- (decision: )?)?_to complete:[^\n]*_(?=\r?$)", RegexOptions.Multiline)]
    private static partial Regex PlaceholderPattern();
}

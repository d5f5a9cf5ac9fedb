using System.Text.Json;
using Aims.Risk.Cli;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Cli;

/// <summary><c>impact-assessment --event FILE</c>: a draft A.5 impact assessment from an event and its findings.</summary>
public sealed class ImpactAssessmentCommandTests
{
    private static string Example(string name) => Path.Combine(RepositoryRoot.Rules, "examples", name + ".json");

    [Fact]
    public async Task Markdown_draft_follows_A5_and_shows_severity_controls_and_open_treatments()
    {
        var (code, output, error) = await CliRunner.Run("impact-assessment", "--event", Example("automated-credit-decision"));

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.StartsWith("# AI system impact assessment (draft): Instant credit decision", output, StringComparison.Ordinal);
        foreach (var heading in new[] { "## The system and this assessment (A.5.2, A.5.3)", "## Who is affected (A.5.4)", "## Impacts on individuals or groups of individuals (A.5.4)", "## Societal impacts (A.5.5)", "## Controls in place (from the event's evidence)", "## To complete by the owner" })
        {
            Assert.Contains(heading, output, StringComparison.Ordinal);
        }

        Assert.Contains("### ETH-003: Fully automated decisions about individuals without human oversight", output, StringComparison.Ordinal);
        Assert.Contains("- severity: Critical (likelihood 4, impact 5); raised by: EU AI Act high-risk use: human oversight is required (Art. 14) (likelihood +1, impact +1)", output, StringComparison.Ordinal);
        Assert.Contains("A.4.6 Human resources", output, StringComparison.Ordinal);
        Assert.Contains("- individuals the system decides about or informs decisions about", output, StringComparison.Ordinal);
        Assert.Contains("- bias testing performed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("- human review completed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Societal_impacts_hold_surveillance_misinformation_and_environmental_findings()
    {
        var (_, identification, _) = await CliRunner.Run("impact-assessment", "--event", Example("store-face-identification"), "--format", "json");
        var (_, fineTune, _) = await CliRunner.Run("impact-assessment", "--event", Example("llm-fine-tune"), "--format", "json");

        using var first = JsonDocument.Parse(identification);
        using var second = JsonDocument.Parse(fineTune);
        static string[] Ids(JsonDocument draft, string section) =>
            [.. draft.RootElement.GetProperty(section).EnumerateArray().Select(i => i.GetProperty("ruleId").GetString()!)];

        // ETH-014 cites A.5.4 and A.5.5: both sections. ETH-021 (environmental, MIT 6.6) is societal only.
        Assert.Contains("ETH-014", Ids(first, "societalImpacts"));
        Assert.Contains("ETH-014", Ids(first, "individualImpacts"));
        Assert.Contains("people whose biometric data is processed (Identification)", first.RootElement.GetProperty("affectedPersons").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("ETH-021", Ids(second, "societalImpacts"));
        Assert.DoesNotContain("ETH-021", Ids(second, "individualImpacts"));
        Assert.DoesNotContain("SEC-015", Ids(second, "individualImpacts"));
    }

    [Fact]
    public async Task Missing_or_invalid_event_exits_1()
    {
        var (missing, _, _) = await CliRunner.Run("impact-assessment");
        var (invalid, _, error) = await CliRunner.Run("impact-assessment", "--event", Path.Combine(RepositoryRoot.Rules, "manifest.json"));

        Assert.Equal(AimsRiskCli.Invalid, missing);
        Assert.Equal(AimsRiskCli.Invalid, invalid);
        Assert.Contains("not a valid AiSystemChanged", error, StringComparison.Ordinal);
    }
}

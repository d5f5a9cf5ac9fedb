using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Cli;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Aims.Risk.Tests.Cli;

/// <summary><c>impact-assessment --event FILE | --system ID</c>: a draft A.5 impact assessment from an event and its findings.</summary>
public sealed class ImpactAssessmentCommandTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-impact-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_database);
    }

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
    public async Task From_the_register_the_draft_uses_the_latest_event_and_shows_where_each_risk_stands()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:RiskRegister"] = $"Data Source={_database}" };
        var (migrated, _, migrateError) = await CliRunner.RunWith(settings, "db", "migrate");
        Assert.True(migrated == AimsRiskCli.Success, migrateError);
        var register = new SqliteRiskRegister($"Data Source={_database}", ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);
        var earlier = JsonNode.Parse(File.ReadAllText(Example("automated-credit-decision")))!.AsObject();
        earlier["changeType"] = "IntendedUseChanged";
        earlier["attributes"]!["impactAssessmentCompleted"] = false;
        await RecordAsync(register, earlier, SampleEvents.Now.AddDays(-2));
        await RecordAsync(register, JsonNode.Parse(File.ReadAllText(Example("automated-credit-decision")))!.AsObject(), SampleEvents.Now.AddDays(-1));

        var (code, output, error) = await CliRunner.RunWith(settings, "impact-assessment", "--system", "instant-credit-decision", "--format", "json");
        var (unknown, _, unknownError) = await CliRunner.RunWith(settings, "impact-assessment", "--system", "no-such-system");

        Assert.True(code == AimsRiskCli.Success, error);
        using var draft = JsonDocument.Parse(output);
        Assert.Equal("ConfigurationChanged", draft.RootElement.GetProperty("changeType").GetString());
        var oversight = draft.RootElement.GetProperty("individualImpacts").EnumerateArray().Single(i => i.GetProperty("ruleId").GetString() == "ETH-003");
        Assert.StartsWith("TreatmentRequested, level Critical", oversight.GetProperty("registerStatus").GetString(), StringComparison.Ordinal);
        Assert.Contains(draft.RootElement.GetProperty("otherOpenRisks").EnumerateArray(), r => r.GetString()!.StartsWith("ETH-004: Intended use changed", StringComparison.Ordinal));
        Assert.Equal(AimsRiskCli.Invalid, unknown);
        Assert.Contains("the register holds no risk of system 'no-such-system'", unknownError, StringComparison.Ordinal);
    }

    private static async Task RecordAsync(SqliteRiskRegister register, JsonObject json, DateTimeOffset at)
    {
        json["eventId"] = Guid.NewGuid().ToString();
        json["occurredAt"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var clock = new FakeTimeProvider(at);
        var change = AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()), clock);
        var assessment = new RiskEvaluator(clock).Evaluate(change, RuleSetLoader.Load(RepositoryRoot.Rules));
        _ = await register.RecordAsync(RegisterMapping.ToRecord(assessment), default);
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

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
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Aims.Risk.Tests.Cli;

/// <summary><c>risks</c>, <c>risks show</c>, <c>risks update</c> and <c>soa</c> on a register the real evaluator filled.</summary>
public sealed class RisksCommandTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-risks-{Guid.NewGuid():N}.db");
    private Dictionary<string, string?> _settings = null!;
    private SqliteRiskRegister _register = null!;

    public async Task InitializeAsync()
    {
        _settings = new() { ["ConnectionStrings:RiskRegister"] = $"Data Source={_database}" };
        var (code, _, error) = await CliRunner.RunWith(_settings, "db", "migrate");
        Assert.True(code == 0, error);
        _register = new SqliteRiskRegister($"Data Source={_database}", ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);
        await RecordAsync("credit-scoring", RiskyExample());
        await RecordAsync("chatbot", JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Rules, "examples", "support-chatbot.json")))!.AsObject());
    }

    public void Dispose() => _register?.Dispose();

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_database);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Risks_lists_one_row_per_system_and_rule_and_filters_by_system_status_and_level()
    {
        var first = (await _register.QueryRisksAsync(new RiskQuery(), default))[0];
        _ = await _register.TransitionAsync(first.RiskId, null, Guid.NewGuid(), r => r.Status == RiskStatus.TreatmentRequested ? new RiskTransition(r with { Status = RiskStatus.InTreatment, Version = r.Version + 1 }, new RiskHistoryRecord
        {
            ChangeId = Guid.NewGuid(), RiskId = r.RiskId, At = SampleEvents.Now, FromStatus = r.Status, ToStatus = RiskStatus.InTreatment, Actor = "t", Reason = "acknowledged", Level = r.Level,
        }) : null, default);
        var all = await _register.QueryRisksAsync(new RiskQuery(), default);

        var (code, output, _) = await CliRunner.RunWith(_settings, "risks");
        var (_, bySystem, _) = await CliRunner.RunWith(_settings, "risks", "--system", "credit-scoring", "--format", "json");
        var (_, byStatus, _) = await CliRunner.RunWith(_settings, "risks", "--status", "TreatmentRequested", "--format", "json");
        var (_, none, _) = await CliRunner.RunWith(_settings, "risks", "--status", "Accepted", "--format", "json");
        var (_, byLevel, _) = await CliRunner.RunWith(_settings, "risks", "--level", "High", "--format", "json");

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.StartsWith($"{all.Count} risks", output, StringComparison.Ordinal);
        Assert.Equal(all.Where(r => r.SystemId == "credit-scoring").Select(r => r.RuleId).Order(), Values(bySystem, "ruleId").Order());
        Assert.Equal(all.Count(r => r.Status == RiskStatus.TreatmentRequested), Values(byStatus, "status").Count);
        Assert.All(Values(byStatus, "status"), s => Assert.Equal("TreatmentRequested", s));
        Assert.True(Values(byStatus, "status").Count < all.Count, "one risk is in treatment");
        Assert.Empty(Values(none, "status"));
        Assert.All(Values(byLevel, "level"), l => Assert.True(l is "High" or "Critical", l));
        Assert.Equal(all.Count(r => r.Level >= RiskLevel.High), Values(byLevel, "level").Count);
    }

    [Fact]
    public async Task Json_output_prints_enum_names_never_numbers()
    {
        var (_, json, _) = await CliRunner.RunWith(_settings, "risks", "--format", "json");

        foreach (var risk in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, risk.GetProperty("status").ValueKind);
            Assert.Equal(JsonValueKind.String, risk.GetProperty("level").ValueKind);
            Assert.True(Enum.IsDefined(Enum.Parse<RiskStatus>(risk.GetProperty("status").GetString()!)));
        }
    }

    [Fact]
    public async Task Show_prints_the_risk_its_findings_and_its_history()
    {
        var risk = (await _register.QueryRisksAsync(new RiskQuery { SystemId = "credit-scoring", Status = RiskStatus.TreatmentRequested }, default))[0];

        var (code, output, _) = await CliRunner.RunWith(_settings, "risks", "show", risk.RiskId.ToString());
        var (_, json, _) = await CliRunner.RunWith(_settings, "risks", "show", risk.RiskId.ToString(), "--format", "json");
        var (missing, _, error) = await CliRunner.RunWith(_settings, "risks", "show", Guid.NewGuid().ToString());

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains($"{risk.RuleId} on credit-scoring", output, StringComparison.Ordinal);
        Assert.Contains("findings (1):", output, StringComparison.Ordinal);
        Assert.Contains("history (1):", output, StringComparison.Ordinal);
        Assert.Contains("TreatmentRequested", output, StringComparison.Ordinal);
        using var detail = JsonDocument.Parse(json);
        Assert.Equal(risk.RiskId, detail.RootElement.GetProperty("risk").GetProperty("riskId").GetGuid());
        Assert.Equal(1, detail.RootElement.GetProperty("entries").GetArrayLength());
        Assert.Equal((AimsRiskCli.Invalid, true), (missing, error.Contains("no risk", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Update_accepted_records_the_approver_and_puts_the_status_event_in_the_outbox()
    {
        var risk = (await _register.QueryRisksAsync(new RiskQuery { SystemId = "credit-scoring", Status = RiskStatus.TreatmentRequested }, default))[0];

        var (code, output, error) = await CliRunner.RunWith(_settings, "risks", "update", risk.RiskId.ToString(), "--action", "Accepted", "--actor", "cro@bank.example", "--until", "2027-06-30", "--comment", "manual review");

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.Contains("TreatmentRequested -> Accepted", output, StringComparison.Ordinal);
        var detail = (await _register.FindRiskAsync(risk.RiskId, default))!;
        Assert.Equal((RiskStatus.Accepted, "cro@bank.example"), (detail.Risk.Status, detail.Risk.AcceptedBy));
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), detail.Risk.AcceptedUntil!.Value.ToUniversalTime());
        var outbox = await _register.ReadOutboxAsync(10, default);
        var message = Assert.Single(outbox);
        Assert.Equal(nameof(RiskStatusChanged), message.MessageType);
        var change = JsonSerializer.Deserialize<RiskStatusChanged>(message.Body, ContractJson.Options)!;
        Assert.Equal((risk.RiskId, RiskStatus.Accepted, "cro@bank.example"), (change.RiskId, change.ToStatus, change.Actor));
        Assert.Equal(change.ChangeId, message.MessageId);
    }

    [Theory]
    [InlineData("Accepted", "acceptedUntil is required")]
    [InlineData("Mitigated", "residualLikelihood and residualImpact")]
    [InlineData("Reopened", "illegal transition")]
    public async Task Update_refused_by_the_lifecycle_exits_1_with_the_reason_and_changes_nothing(string action, string reason)
    {
        var risk = (await _register.QueryRisksAsync(new RiskQuery { SystemId = "credit-scoring", Status = RiskStatus.TreatmentRequested }, default))[0];

        var (code, _, error) = await CliRunner.RunWith(_settings, "risks", "update", risk.RiskId.ToString(), "--action", action, "--actor", "owner@bank.example");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Equal(RiskStatus.TreatmentRequested, (await _register.FindRiskAsync(risk.RiskId, default))!.Risk.Status);
        Assert.Empty(await _register.ReadOutboxAsync(10, default));
    }

    [Fact]
    public async Task Soa_lists_the_38_controls_with_justifications()
    {
        var risks = await _register.QueryRisksAsync(new RiskQuery(), default);

        var (code, md, _) = await CliRunner.RunWith(_settings, "soa");
        var (_, json, _) = await CliRunner.RunWith(_settings, "soa", "--format", "json");
        var (_, csv, _) = await CliRunner.RunWith(_settings, "soa", "--format", "csv", "--system", "chatbot");

        Assert.Equal(AimsRiskCli.Success, code);
        var lines = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        Assert.Equal(38, lines.Count);
        Assert.Equal(38, md.Split('\n').Count(l => l.StartsWith("| A.", StringComparison.Ordinal)));
        Assert.Equal("A.2.2", lines[0].GetProperty("control").GetString());
        Assert.Equal("A.10.4", lines[^1].GetProperty("control").GetString());
        var cited = risks.Where(r => r.IsOpen).SelectMany(r => r.Controls).ToHashSet();
        foreach (var line in lines)
        {
            var control = line.GetProperty("control").GetString()!;
            Assert.Equal(cited.Contains(control), line.GetProperty("applicable").GetBoolean());
            var justification = line.GetProperty("justification").GetString()!;
            if (cited.Contains(control))
            {
                var needing = risks.First(r => r.IsOpen && r.Controls.Contains(control));
                Assert.Contains(needing.RiskId.ToString(), justification, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("no identified risk requires it", justification);
            }
        }

        Assert.Equal(39, csv.TrimEnd().Split('\n').Length);
        Assert.DoesNotContain("credit-scoring", csv, StringComparison.Ordinal);
    }

    private static List<string> Values(string json, string property) =>
        [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.GetProperty(property).GetString()!)];

    private static JsonObject RiskyExample()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Rules, "examples", "credit-scoring.json")))!.AsObject();
        json["security"] = new JsonObject { ["artifactSigned"] = false, ["criticalVulnerabilities"] = 2 };
        json["changeType"] = "ModelDeployed";
        return json;
    }

    private async Task RecordAsync(string system, JsonObject json)
    {
        json["system"]!["id"] = system;
        json["eventId"] = Guid.NewGuid().ToString();
        var clock = new FakeTimeProvider(SampleEvents.Now);
        var change = AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()), clock);
        var assessment = new RiskEvaluator(clock).Evaluate(change, RuleSetLoader.Load(RepositoryRoot.Rules));
        _ = await _register.RecordAsync(RegisterMapping.ToRecord(assessment), default);
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Cli;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Impact;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Polly;
using static Aims.Risk.Tests.Impact.ImpactDrafts;

namespace Aims.Risk.Tests.Cli;

/// <summary>
/// <c>impact-assessment submit</c> and <c>list</c> on a register the real evaluator filled: a completed assessment is
/// recorded as a new version, the risk that asked for it resolves, and later events of the same intended use no longer
/// raise it; a bad file is refused with what is wrong and records nothing.
/// </summary>
public sealed class ImpactAssessmentSubmitCommandTests : IAsyncLifetime, IDisposable
{
    private const string SystemId = "instant-credit-decision";

    private readonly string _folder = Directory.CreateTempSubdirectory("aims-risk-impact-submit-").FullName;
    private Dictionary<string, string?> _settings = null!;
    private SqliteRiskRegister _register = null!;

    public async Task InitializeAsync()
    {
        var connection = $"Data Source={Path.Combine(_folder, "register.db")}";
        _settings = new() { ["ConnectionStrings:RiskRegister"] = connection };
        var (code, _, error) = await CliRunner.RunWith(_settings, "db", "migrate");
        Assert.True(code == AimsRiskCli.Success, error);
        _register = new SqliteRiskRegister(connection, ResiliencePipeline.Empty);
    }

    public void Dispose() => _register?.Dispose();

    public Task DisposeAsync()
    {
        _register.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_submitted_assessment_resolves_the_risk_that_asked_for_it_and_events_of_that_use_no_longer_raise_it()
    {
        var opening = await AssessAsync(IntendedUseChange());
        var riskId = RiskIds.For(SystemId, "ETH-004");
        Assert.Contains(opening.Entries, e => e.RuleId == "ETH-004" && e.TaskId is not null);
        var (drafted, draft, draftError) = await CliRunner.RunWith(_settings, "impact-assessment", "--system", SystemId);
        Assert.True(drafted == AimsRiskCli.Success, draftError);
        var file = Write("assessment.md", Complete(draft));

        var (code, output, error) = await CliRunner.RunAt(
            SampleEvents.Now.AddHours(1), _settings, "impact-assessment", "submit", "--system", SystemId, "--file", file, "--actor", "owner@bank.example", "--approved-by", "cro@bank.example");

        Assert.True(code == AimsRiskCli.Success, error);
        Assert.Contains("impact assessment of instant-credit-decision recorded: version 1 (", output, StringComparison.Ordinal);
        Assert.Contains($"risk {riskId} (ETH-004): TreatmentRequested -> Resolved", output, StringComparison.Ordinal);
        Assert.Contains("the status events are in the outbox", output, StringComparison.Ordinal);
        var detail = (await _register.FindRiskAsync(riskId, default))!;
        Assert.Equal(RiskStatus.Resolved, detail.Risk.Status);
        var resolution = detail.History[^1];
        Assert.Equal((RiskStatus.Resolved, "owner@bank.example", SampleEvents.Now.AddHours(1)), (resolution.ToStatus, resolution.Actor, resolution.At));
        Assert.Contains("impact assessment version 1 (", resolution.Reason, StringComparison.Ordinal);
        var status = (await _register.ReadOutboxAsync(100, default)).Single(m => m.MessageId == resolution.ChangeId);
        Assert.Equal(RiskStatus.Resolved, JsonSerializer.Deserialize<RiskStatusChanged>(status.Body, ContractJson.Options)!.ToStatus);
        var stored = Assert.Single(await _register.ReadImpactAssessmentsAsync(SystemId, default));
        Assert.Equal((1, "owner@bank.example", "cro@bank.example", "md"), (stored.Version, stored.SubmittedBy, stored.ApprovedBy, stored.ContentFormat));
        Assert.Equal(Convert.ToHexStringLower(global::System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), stored.ContentHash);
        Assert.Equal(File.ReadAllText(file), stored.Content);
        Assert.Contains(stored.Risks, r => r.RiskId == riskId && r.Resolved);
        Assert.True(stored.Risks.Count > 1, "the assessment covers the system's other ethics and privacy risks too");
        Assert.All(await _register.QueryRisksAsync(new RiskQuery { SystemId = SystemId }, default), r => Assert.True(r.RuleId == "ETH-004" || r.Status != RiskStatus.Resolved, r.RuleId));

        // A later change to the same intended use is assessed with the submission, and the input says so.
        var later = await AssessAsync(IntendedUseChange());
        Assert.DoesNotContain(later.Entries, e => e.RuleId == "ETH-004");
        var laterInput = JsonSerializer.Deserialize<AiSystemChanged>((await _register.FindAssessmentAsync(later.EventId, default))!.Payload, ContractJson.Options)!;
        Assert.Equal(stored.AssessmentId.ToString(), laterInput.Attributes![ImpactAssessmentEvidence.IdAttribute].Text);
        Assert.Equal(RiskStatus.Resolved, (await _register.FindRiskAsync(riskId, default))!.Risk.Status);

        // A change to another intended use is not covered: the rule asks again.
        var otherUse = IntendedUseChange();
        otherUse["system"]!["purpose"] = "Approve credit card limit increases without an underwriter";
        var reopening = await AssessAsync(otherUse);
        Assert.Contains(reopening.Entries, e => e.RuleId == "ETH-004" && e.TaskId is not null);
        Assert.Equal(RiskStatus.TreatmentRequested, (await _register.FindRiskAsync(riskId, default))!.Risk.Status);
    }

    [Fact]
    public async Task Submitting_again_adds_a_version_and_list_shows_every_version_newest_first()
    {
        _ = await AssessAsync(IntendedUseChange());
        var draft = JsonNode.Parse(JsonDraft(Read(IntendedUseChange())))!.AsObject();
        var first = Write("assessment.json", Complete(draft));
        var second = Write("assessment-v2.json", Complete(draft).Replace("Decisions in minutes", "Decisions in seconds", StringComparison.Ordinal));

        var (one, _, oneError) = await CliRunner.RunWith(_settings, "impact-assessment", "submit", "--system", SystemId, "--file", first, "--actor", "owner@bank.example");
        var (two, twoOutput, twoError) = await CliRunner.RunWith(_settings, "impact-assessment", "submit", "--system", SystemId, "--file", second, "--actor", "deputy@bank.example");
        var (listed, table, _) = await CliRunner.RunWith(_settings, "impact-assessment", "list", "--system", SystemId);
        var (_, json, _) = await CliRunner.RunWith(_settings, "impact-assessment", "list", "--system", SystemId, "--format", "json");

        Assert.True(one == AimsRiskCli.Success, oneError);
        Assert.True(two == AimsRiskCli.Success, twoError);
        Assert.Contains("version 2", twoOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("-> Resolved", twoOutput, StringComparison.Ordinal);
        Assert.Equal(AimsRiskCli.Success, listed);
        Assert.StartsWith("2 versions of the impact assessment of instant-credit-decision", table, StringComparison.Ordinal);
        Assert.Contains("2 (current)", table, StringComparison.Ordinal);
        using var versions = JsonDocument.Parse(json);
        var items = versions.RootElement.EnumerateArray().ToList();
        Assert.Equal([2, 1], items.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(["deputy@bank.example", "owner@bank.example"], items.Select(v => v.GetProperty("submittedBy").GetString()));
        Assert.Equal(File.ReadAllText(first), items[1].GetProperty("content").GetString());
        Assert.NotEqual(items[0].GetProperty("contentHash").GetString(), items[1].GetProperty("contentHash").GetString());
        Assert.Equal(1, items[1].GetProperty("risks").EnumerateArray().Count(r => r.GetProperty("resolved").GetBoolean()));
    }

    [Fact]
    public async Task The_draft_as_written_is_refused_with_each_part_still_to_complete_and_nothing_is_recorded()
    {
        var file = Write("draft.md", MarkdownDraft(Read(IntendedUseChange())));

        var (code, _, error) = await Submit(file);

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains($"{file}: line ", error, StringComparison.Ordinal);
        Assert.Contains("(### Benefits (A.5.4, A.5.5)): still to complete", error, StringComparison.Ordinal);
        Assert.Contains("problems; nothing was recorded", error, StringComparison.Ordinal);
        Assert.Empty(await _register.ReadImpactAssessmentsAsync(SystemId, default));
    }

    [Fact]
    public async Task A_file_of_another_system_or_naming_another_system_s_event_is_refused()
    {
        var scoring = await AssessAsync(Example("credit-scoring"));
        var ours = Complete(MarkdownDraft(Read(IntendedUseChange())));
        var file = Write("assessment.md", ours);
        var borrowed = Write("borrowed.md", ours.Replace(Read(IntendedUseChange()).EventId.ToString(), scoring.EventId.ToString(), StringComparison.Ordinal));

        var (wrongSystem, _, wrongSystemError) = await CliRunner.RunWith(_settings, "impact-assessment", "submit", "--system", "credit-scoring", "--file", file, "--actor", "owner@bank.example");
        var (wrongEvent, _, wrongEventError) = await Submit(borrowed);

        Assert.Equal(AimsRiskCli.Invalid, wrongSystem);
        Assert.Contains("the assessment of system 'instant-credit-decision', not of 'credit-scoring' (--system)", wrongSystemError, StringComparison.Ordinal);
        Assert.Equal(AimsRiskCli.Invalid, wrongEvent);
        Assert.Contains($"the draft names event {scoring.EventId}, which the register holds for system 'credit-scoring'", wrongEventError, StringComparison.Ordinal);
        Assert.Empty(await _register.ReadImpactAssessmentsAsync(SystemId, default));
    }

    [Fact]
    public async Task Unreadable_files_unknown_formats_and_a_blank_actor_exit_1_saying_why()
    {
        var completed = Complete(MarkdownDraft(Read(IntendedUseChange())));
        var text = Write("assessment.txt", completed);
        var binary = Path.Combine(_folder, "binary.md");
        await File.WriteAllBytesAsync(binary, [0x23, 0x20, 0xff, 0xfe, 0x41]);
        var markdown = Write("assessment.md", completed);

        var (missing, _, missingError) = await Submit(Path.Combine(_folder, "nothing.md"));
        var (unknown, _, unknownError) = await Submit(text);
        var (forced, _, forcedError) = await CliRunner.RunWith(_settings, "impact-assessment", "submit", "--system", SystemId, "--file", text, "--format", "md", "--actor", "owner@bank.example");
        var (notUtf8, _, notUtf8Error) = await Submit(binary);
        var (blank, _, blankError) = await CliRunner.RunWith(_settings, "impact-assessment", "submit", "--system", SystemId, "--file", markdown, "--actor", " ");
        var (noActor, _, _) = await CliRunner.RunWith(_settings, "impact-assessment", "submit", "--system", SystemId, "--file", markdown);

        Assert.Equal((AimsRiskCli.Invalid, $"{Path.Combine(_folder, "nothing.md")}: does not exist"), (missing, missingError.Trim()));
        Assert.Equal(AimsRiskCli.Invalid, unknown);
        Assert.Contains("the format is not clear from the name: give --format md or --format json", unknownError, StringComparison.Ordinal);
        Assert.True(forced == AimsRiskCli.Success, forcedError);
        Assert.Equal(AimsRiskCli.Invalid, notUtf8);
        Assert.Contains($"{binary}: not UTF-8 text", notUtf8Error, StringComparison.Ordinal);
        Assert.Equal(AimsRiskCli.Invalid, blank);
        Assert.Contains("--actor: missing: who submits it", blankError, StringComparison.Ordinal);
        Assert.Equal(AimsRiskCli.Invalid, noActor);
        Assert.Single(await _register.ReadImpactAssessmentsAsync(SystemId, default));
    }

    private Task<(int ExitCode, string Output, string Error)> Submit(string file) =>
        CliRunner.RunWith(_settings, "impact-assessment", "submit", "--system", SystemId, "--file", file, "--actor", "owner@bank.example");

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    /// <summary>Assesses an event (under a new id) as the worker does, with the register's impact assessments, and records it.</summary>
    private async Task<AssessmentRecord> AssessAsync(JsonObject json)
    {
        json["eventId"] = Guid.NewGuid().ToString();
        var change = Read(json);
        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(new RiskEvaluator(new FakeTimeProvider(SampleEvents.Now)), _register, change, ShippedRules, default);
        _ = await _register.RecordAsync(RegisterMapping.ToRecord(assessment), default);
        return (await _register.FindAssessmentAsync(change.EventId, default))!;
    }
}

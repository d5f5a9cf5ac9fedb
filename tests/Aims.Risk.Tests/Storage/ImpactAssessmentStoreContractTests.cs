using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// Submitted impact assessments in every store: append-only versions per system, linked to the risks they cover, and
/// the resolutions a submission decides written in its own transaction, with their history and status events.
/// </summary>
public abstract class ImpactAssessmentStoreContractTests(IRegisterDatabase database)
{
    private static readonly string[] Rules = ["ethics.impact-assessment", "privacy.consent-missing", "security.unsigned-artifact"];

    private readonly IRiskRegister register = database.CreateRegister();

    private static CancellationToken Token => CancellationToken.None;

    [StorageFact]
    public async Task A_system_without_a_submission_has_no_current_assessment()
    {
        var system = UniqueSystem("none");

        Assert.Null(await register.FindCurrentImpactAssessmentAsync(system, Token));
        Assert.Empty(await register.ReadImpactAssessmentsAsync(system, Token));
    }

    [StorageFact]
    public async Task A_submission_is_stored_as_version_1_and_read_back_whole_as_the_current_one()
    {
        var submitted = Submission(UniqueSystem("first"));

        var result = await register.SubmitImpactAssessmentAsync(submitted, [], Unchanged, Token);
        var current = await register.FindCurrentImpactAssessmentAsync(submitted.SystemId, Token);

        Assert.Equal(1, result.Stored.Version);
        Assert.Empty(result.Resolutions);
        Assert.Equal(submitted with { Version = 1 }, current! with { Risks = submitted.Risks });
        Assert.Equal(submitted.SubmittedAt, current.SubmittedAt);
        Assert.Equal(submitted.Content, current.Content);
    }

    [StorageFact]
    public async Task Submitting_again_adds_the_next_version_and_leaves_the_earlier_one_as_it_was()
    {
        var system = UniqueSystem("again");
        var first = Submission(system);
        var second = Submission(system) with { Purpose = "A new intended use", Content = "# the second", ContentHash = new string('b', 64), SubmittedAt = At.AddDays(1) };

        _ = await register.SubmitImpactAssessmentAsync(first, [], Unchanged, Token);
        var stored = await register.SubmitImpactAssessmentAsync(second, [], Unchanged, Token);
        var versions = await register.ReadImpactAssessmentsAsync(system, Token);

        Assert.Equal(2, stored.Stored.Version);
        Assert.Equal([2, 1], versions.Select(v => v.Version));
        Assert.Equal((first.AssessmentId, first.Content, first.ContentHash, first.Purpose), (versions[1].AssessmentId, versions[1].Content, versions[1].ContentHash, versions[1].Purpose));
        Assert.Equal(second.AssessmentId, (await register.FindCurrentImpactAssessmentAsync(system, Token))!.AssessmentId);
    }

    [StorageFact]
    public async Task Two_replicas_submitting_for_one_system_at_once_number_their_versions_apart()
    {
        var system = UniqueSystem("race");
        var other = database.CreateRegister();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? register : other).SubmitImpactAssessmentAsync(Submission(system), [], Unchanged, Token)));

        Assert.Equal([1, 2, 3, 4, 5, 6], results.Select(r => r.Stored.Version).Order());
        Assert.Equal(6, (await register.ReadImpactAssessmentsAsync(system, Token)).Count);
    }

    [StorageFact]
    public async Task A_submission_is_linked_to_the_system_s_risks_of_the_rules_it_covers_and_no_others()
    {
        var system = UniqueSystem("links");
        var neighbour = UniqueSystem("neighbour");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);
        _ = await register.RecordAsync(Assessment(neighbour, Rules), Token);

        var result = await register.SubmitImpactAssessmentAsync(Submission(system), ["privacy.consent-missing", "ethics.impact-assessment", "ETH-999"], Unchanged, Token);
        var read = (await register.ReadImpactAssessmentsAsync(system, Token)).Single();

        var expected = new[] { RiskIds.For(system, "ethics.impact-assessment"), RiskIds.For(system, "privacy.consent-missing") };
        Assert.Equal(expected.Order(), result.Stored.Risks.Select(r => r.RiskId).Order());
        Assert.Equal(expected.Order(), read.Risks.Select(r => r.RiskId).Order());
        Assert.All(read.Risks, r => Assert.False(r.Resolved));
        Assert.Empty(await register.ReadImpactAssessmentsAsync(neighbour, Token));
    }

    [StorageFact]
    public async Task A_resolution_is_written_with_its_history_row_and_status_event_and_its_risk_is_linked_as_resolved()
    {
        var system = UniqueSystem("resolve");
        var opened = Assessment(system, Rules);
        _ = await register.RecordAsync(opened, Token);
        var seen = new List<(string RuleId, string? Payload, int Version)>();

        var result = await register.SubmitImpactAssessmentAsync(Submission(system), [], (stored, risk, payload) =>
        {
            seen.Add((risk.RuleId, payload, stored.Version));
            return risk.RuleId == "ethics.impact-assessment" ? Resolve(stored, risk) : null;
        }, Token);

        var riskId = RiskIds.For(system, "ethics.impact-assessment");
        var detail = (await register.FindRiskAsync(riskId, Token))!;
        var outbox = await register.ReadOutboxAsync(100_000, Token);
        Assert.Equal(Rules.Order(), seen.Select(s => s.RuleId).Order());
        Assert.All(seen, s => Assert.Equal((opened.Payload, 1), (s.Payload, s.Version)));
        Assert.Equal(RiskStatus.Resolved, detail.Risk.Status);
        Assert.Null(detail.Risk.OpenTaskId);
        var history = detail.History[^1];
        Assert.Equal((RiskStatus.TreatmentRequested, RiskStatus.Resolved, "owner@bank.example"), (history.FromStatus!.Value, history.ToStatus, history.Actor));
        Assert.Equal(Assert.Single(result.Resolutions).History.ChangeId, history.ChangeId);
        Assert.Contains(outbox, m => m.MessageId == history.ChangeId && m.MessageType == nameof(RiskStatusChanged));
        Assert.Equal(new ImpactAssessmentRisk(riskId, Resolved: true), Assert.Single(result.Stored.Risks));
        Assert.Equal(RiskStatus.TreatmentRequested, (await register.FindRiskAsync(RiskIds.For(system, "privacy.consent-missing"), Token))!.Risk.Status);
    }

    [StorageFact]
    public async Task A_resolve_that_refuses_leaves_nothing_stored()
    {
        var system = UniqueSystem("refused");
        _ = await register.RecordAsync(Assessment(system, Rules), Token);

        _ = await Assert.ThrowsAsync<InvalidOperationException>(() => register.SubmitImpactAssessmentAsync(
            Submission(system), Rules, (stored, risk, _) => risk.RuleId == "security.unsigned-artifact" ? throw new InvalidOperationException("no") : Resolve(stored, risk), Token));

        Assert.Null(await register.FindCurrentImpactAssessmentAsync(system, Token));
        Assert.All(await register.QueryRisksAsync(new RiskQuery { SystemId = system }, Token), r => Assert.Equal(RiskStatus.TreatmentRequested, r.Status));
    }

    [StorageFact]
    public async Task System_ids_that_differ_only_in_letter_case_are_two_systems()
    {
        var system = UniqueSystem("Case");

        _ = await register.SubmitImpactAssessmentAsync(Submission(system), [], Unchanged, Token);

        Assert.Null(await register.FindCurrentImpactAssessmentAsync(system.ToLowerInvariant(), Token));
        Assert.Equal(1, (await register.SubmitImpactAssessmentAsync(Submission(system.ToLowerInvariant()), [], Unchanged, Token)).Stored.Version);
    }

    [StorageFact]
    public async Task A_value_wider_than_its_column_is_refused_before_anything_is_written()
    {
        var system = UniqueSystem("wide");

        _ = await Assert.ThrowsAsync<ArgumentException>(() => register.SubmitImpactAssessmentAsync(
            Submission(system) with { SubmittedBy = new string('a', ColumnLimits.Actor + 1) }, [], Unchanged, Token));
        _ = await Assert.ThrowsAsync<ArgumentException>(() => register.SubmitImpactAssessmentAsync(Submission(system) with { ContentFormat = "pdf" }, [], Unchanged, Token));

        Assert.Null(await register.FindCurrentImpactAssessmentAsync(system, Token));
    }

    private static RiskTransition? Unchanged(ImpactAssessmentRecord stored, RiskRecord risk, string? payload) => null;

    private static RiskTransition Resolve(ImpactAssessmentRecord stored, RiskRecord risk)
    {
        var updateId = Guid.NewGuid();
        var next = risk with { Status = RiskStatus.Resolved, OpenTaskId = null, Version = risk.Version + 1 };
        return new RiskTransition(next, new RiskHistoryRecord
        {
            ChangeId = RiskIds.ChangeByUpdate(risk.RiskId, updateId),
            RiskId = risk.RiskId,
            At = stored.SubmittedAt,
            FromStatus = risk.Status,
            ToStatus = RiskStatus.Resolved,
            Actor = stored.SubmittedBy,
            Reason = $"impact assessment version {stored.Version} submitted",
            UpdateId = updateId,
            Level = next.Level,
        });
    }

    private static ImpactAssessmentRecord Submission(string systemId) => new()
    {
        AssessmentId = Guid.NewGuid(),
        SystemId = systemId,
        Purpose = "Score consumer loan applications; underwriters decide on referrals",
        ModelVersion = "4.2.0",
        BasedOnEventId = Guid.NewGuid(),
        RuleSetVersion = "1.2.1",
        RuleSetHash = new string('a', 64),
        ContentFormat = "md",
        Content = "# AI system impact assessment: ünïcödé 'quoted' \"text\"\n",
        ContentHash = new string('c', 64),
        SubmittedBy = "owner@bank.example",
        ApprovedBy = "cro@bank.example",
        SubmittedAt = At.AddHours(1),
        ReviewBy = new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero),
    };
}

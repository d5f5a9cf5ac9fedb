using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Impact;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Aims.Risk.Tests.Impact.ImpactDrafts;

namespace Aims.Risk.Tests.Impact;

/// <summary>
/// A submitted impact assessment as evidence: the rule that asks for one sees it on an event that is silent about it,
/// the input is stored with it (so it reproduces the result), and what a submission resolves.
/// </summary>
public sealed class ImpactAssessmentEvidenceTests
{
    private readonly RiskEvaluator _evaluator = new(new FakeTimeProvider(SampleEvents.Now));

    [Fact]
    public void In_the_shipped_pack_only_the_rule_that_asks_for_an_impact_assessment_reads_the_attribute()
    {
        Assert.Equal(["ETH-004"], ShippedRules.Rules.Where(ImpactAssessmentEvidence.ReadsEvidence).Select(r => r.Definition.Id));
    }

    [Fact]
    public async Task An_event_silent_on_it_is_assessed_with_the_submission_that_covers_its_intended_use_and_stored_so()
    {
        var change = Read(IntendedUseChange());
        var register = new Register { Current = Submission(change.System.Purpose!) };

        var plain = _evaluator.Evaluate(change, ShippedRules);
        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(_evaluator, register, change, ShippedRules, default);

        Assert.Contains(plain.Findings, f => f.RuleId == "ETH-004");
        Assert.DoesNotContain(assessment.Findings, f => f.RuleId == "ETH-004");
        Assert.Equal(plain.Findings.Count - 1, assessment.Findings.Count);
        Assert.Equal(true, assessment.Change.Attributes![ImpactAssessmentEvidence.CompletedAttribute].Flag);
        Assert.Equal(register.Current.AssessmentId.ToString(), assessment.Change.Attributes[ImpactAssessmentEvidence.IdAttribute].Text);

        // The stored input alone gives the same findings: what re-assessment and rules diff evaluate.
        var stored = JsonSerializer.Deserialize<AiSystemChanged>(RegisterMapping.ToRecord(assessment).Payload, ContractJson.Options)!;
        var again = _evaluator.Evaluate(stored, ShippedRules);
        Assert.Equal(assessment.Findings.Select(f => (f.RuleId, f.Level)), again.Findings.Select(f => (f.RuleId, f.Level)));
    }

    [Fact]
    public async Task A_submission_for_another_intended_use_does_not_count()
    {
        var change = Read(IntendedUseChange());
        var register = new Register { Current = Submission("Pre-screen applications for underwriters") };

        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(_evaluator, register, change, ShippedRules, default);

        Assert.Contains(assessment.Findings, f => f.RuleId == "ETH-004");
        Assert.Same(change, assessment.Change);
    }

    [Fact]
    public void The_intended_use_matches_whatever_its_letter_case_and_spacing_and_only_on_the_same_system()
    {
        var change = Read(IntendedUseChange());
        var purpose = change.System.Purpose!;

        Assert.True(ImpactAssessmentEvidence.Covers(Submission("  " + purpose.ToUpperInvariant().Replace(" ", "  \t", StringComparison.Ordinal) + "\n"), change));
        Assert.False(ImpactAssessmentEvidence.Covers(Submission(purpose) with { SystemId = "Instant-Credit-Decision" }, change));
        Assert.False(ImpactAssessmentEvidence.Covers(Submission(purpose), change with { System = change.System with { Purpose = null } }));
    }

    [Fact]
    public async Task An_event_that_says_whether_an_assessment_was_completed_keeps_its_word_and_costs_no_read()
    {
        var json = IntendedUseChange();
        json["attributes"]![ImpactAssessmentEvidence.CompletedAttribute] = false;
        var change = Read(json);
        var register = new Register { Current = Submission(change.System.Purpose!) };

        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(_evaluator, register, change, ShippedRules, default);

        Assert.Contains(assessment.Findings, f => f.RuleId == "ETH-004");
        Assert.Null(ImpactAssessmentEvidence.Enrich(change, register.Current));
        Assert.Equal(0, register.Reads);
    }

    [Fact]
    public async Task An_event_on_which_no_rule_reading_the_attribute_fires_costs_no_read()
    {
        var change = Read(Example("automated-credit-decision"));
        var register = new Register { Current = Submission(change.System.Purpose!) };

        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(_evaluator, register, change, ShippedRules, default);

        Assert.Same(change, assessment.Change);
        Assert.Equal(0, register.Reads);
    }

    [Fact]
    public async Task An_event_first_assessed_before_the_submission_is_assessed_again_as_it_was_on_a_redelivery()
    {
        var change = Read(IntendedUseChange());
        var first = RegisterMapping.ToRecord(_evaluator.Evaluate(change, ShippedRules));
        var register = new Register { Current = Submission(change.System.Purpose!), Recorded = first };

        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(_evaluator, register, change, ShippedRules, default);

        Assert.Contains(assessment.Findings, f => f.RuleId == "ETH-004");
        Assert.Equal(first.Payload, RegisterMapping.ToRecord(assessment).Payload);
    }

    [Fact]
    public async Task An_event_first_assessed_with_a_submission_keeps_it_on_a_redelivery_after_a_newer_one_for_another_use()
    {
        var change = Read(IntendedUseChange());
        var earlier = Submission(change.System.Purpose!);
        var first = RegisterMapping.ToRecord(_evaluator.Evaluate(ImpactAssessmentEvidence.Enrich(change, earlier)!, ShippedRules));
        var register = new Register { Current = Submission("Another use") with { Version = 2 }, Recorded = first };

        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(_evaluator, register, change, ShippedRules, default);

        Assert.DoesNotContain(assessment.Findings, f => f.RuleId == "ETH-004");
        Assert.Equal(first.Payload, RegisterMapping.ToRecord(assessment).Payload);
    }

    [Fact]
    public async Task A_reused_event_id_is_assessed_as_sent_for_the_register_to_refuse()
    {
        var change = Read(IntendedUseChange());
        var other = RegisterMapping.ToRecord(_evaluator.Evaluate(change with { Source = "another/pipeline" }, ShippedRules));
        var register = new Register { Current = Submission(change.System.Purpose!), Recorded = other };

        var assessment = await ImpactAssessmentEvidence.EvaluateAsync(_evaluator, register, change, ShippedRules, default);

        Assert.Same(change, assessment.Change);
        Assert.NotEqual(other.Payload, RegisterMapping.ToRecord(assessment).Payload);
    }

    [Fact]
    public void A_submission_resolves_the_open_risk_whose_rule_no_longer_fires_on_its_input_with_it()
    {
        var change = Read(IntendedUseChange());
        var (risks, payload) = Opened(change);
        var submission = Submission(change.System.Purpose!);
        var risk = risks.Single(r => r.RuleId == "ETH-004");

        var transition = ImpactAssessmentResolution.Decide(submission, risk, payload, ShippedRules);

        Assert.NotNull(transition);
        Assert.Equal((RiskStatus.Resolved, (Guid?)null, risk.Version + 1), (transition.Next.Status, transition.Next.OpenTaskId, transition.Next.Version));
        var history = transition.History;
        Assert.Equal((RiskStatus.TreatmentRequested, RiskStatus.Resolved, "owner@bank.example"), (history.FromStatus!.Value, history.ToStatus, history.Actor));
        Assert.Equal(ImpactAssessmentResolution.UpdateOf(submission.AssessmentId, risk.RiskId), history.UpdateId);
        Assert.Equal(RiskIds.ChangeByUpdate(risk.RiskId, history.UpdateId!.Value), history.ChangeId);
        Assert.Contains($"impact assessment version 3 ({submission.AssessmentId}, sha256 {submission.ContentHash}) submitted, approved by cro@bank.example", history.Reason, StringComparison.Ordinal);
        Assert.EndsWith($"rule ETH-004 no longer fires on event {change.EventId} with it", history.Reason, StringComparison.Ordinal);
        Assert.All(risks.Where(r => r.RuleId != "ETH-004"), r => Assert.Null(ImpactAssessmentResolution.Decide(submission, r, payload, ShippedRules)));
    }

    [Fact]
    public void A_submission_for_another_use_or_a_resolved_risk_or_an_event_that_said_no_changes_nothing()
    {
        var change = Read(IntendedUseChange());
        var (risks, payload) = Opened(change);
        var risk = risks.Single(r => r.RuleId == "ETH-004");
        var json = IntendedUseChange();
        json["attributes"]![ImpactAssessmentEvidence.CompletedAttribute] = false;
        var said = RegisterMapping.ToRecord(_evaluator.Evaluate(Read(json), ShippedRules)).Payload;

        Assert.Null(ImpactAssessmentResolution.Decide(Submission("Another use"), risk, payload, ShippedRules));
        Assert.Null(ImpactAssessmentResolution.Decide(Submission(change.System.Purpose!), risk with { Status = RiskStatus.Resolved }, payload, ShippedRules));
        Assert.Null(ImpactAssessmentResolution.Decide(Submission(change.System.Purpose!), risk, said, ShippedRules));
        Assert.Null(ImpactAssessmentResolution.Decide(Submission(change.System.Purpose!), risk, payload: null, ShippedRules));
    }

    /// <summary>The risks the event opens, and its stored input.</summary>
    private (IReadOnlyList<RiskRecord> Risks, string Payload) Opened(AiSystemChanged change)
    {
        var record = RegisterMapping.ToRecord(_evaluator.Evaluate(change, ShippedRules));
        return (RiskReconciler.Reconcile(record, []).Inserted, record.Payload);
    }

    private static ImpactAssessmentRecord Submission(string purpose) => new()
    {
        AssessmentId = Guid.NewGuid(),
        SystemId = "instant-credit-decision",
        Version = 3,
        Purpose = purpose,
        BasedOnEventId = Guid.NewGuid(),
        RuleSetVersion = ShippedRules.Version,
        RuleSetHash = ShippedRules.Hash,
        ContentFormat = "md",
        Content = "# AI system impact assessment",
        ContentHash = new string('c', 64),
        SubmittedBy = "owner@bank.example",
        ApprovedBy = "cro@bank.example",
        SubmittedAt = SampleEvents.Now,
        ReviewBy = SampleEvents.Now.AddDays(180),
    };

    private sealed class Register : RegisterStub
    {
        public ImpactAssessmentRecord? Current { get; init; }

        public AssessmentRecord? Recorded { get; init; }

        public int Reads { get; private set; }

        public override Task<ImpactAssessmentRecord?> FindCurrentImpactAssessmentAsync(string systemId, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(Current?.SystemId == systemId ? Current : null);
        }

        public override Task<AssessmentRecord?> FindAssessmentAsync(Guid eventId, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(Recorded?.EventId == eventId ? Recorded : null);
        }
    }
}

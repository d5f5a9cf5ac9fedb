using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Impact;

/// <summary>
/// What a submitted impact assessment does to a system's open risks: a risk whose rule fired on an input that the
/// assessment covers, and does not fire on that input once the assessment's evidence is added to it
/// (<see cref="ImpactAssessmentEvidence.Enrich"/>), no longer holds: it is resolved, by the submitter, with the
/// submission named in its history. Every other risk stays as it is. Decided on the stored input and the rule set only.
/// </summary>
public static class ImpactAssessmentResolution
{
    /// <summary>How much of the purpose a history reason quotes.</summary>
    private const int PurposeInReason = 200;

    /// <summary>The transition that resolves the risk, or null when the submission does not change it.</summary>
    /// <param name="payload">The stored input of the risk's latest event.</param>
    public static RiskTransition? Decide(ImpactAssessmentRecord assessment, RiskRecord risk, string? payload, RuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(risk);
        ArgumentNullException.ThrowIfNull(ruleSet);
        if (!risk.IsOpen || payload is null || ruleSet.Rules.FirstOrDefault(r => r.Definition.Id == risk.RuleId) is not { } rule
            || !ImpactAssessmentEvidence.ReadsEvidence(rule))
        {
            return null;
        }

        var input = JsonSerializer.Deserialize<AiSystemChanged>(payload, ContractJson.Options)!;
        if (ImpactAssessmentEvidence.Enrich(input, assessment) is not { } enriched
            || Fires(rule, input) is not true || Fires(rule, enriched) is not false)
        {
            return null;
        }

        var updateId = UpdateOf(assessment.AssessmentId, risk.RiskId);
        var next = risk with { Status = RiskStatus.Resolved, OpenTaskId = null, Version = risk.Version + 1 };
        var purpose = assessment.Purpose.Length <= PurposeInReason ? assessment.Purpose : assessment.Purpose[..PurposeInReason] + "…";
        var approved = assessment.ApprovedBy is { } approver ? $", approved by {approver}" : "";
        return new RiskTransition(next, new RiskHistoryRecord
        {
            ChangeId = RiskIds.ChangeByUpdate(risk.RiskId, updateId),
            RiskId = risk.RiskId,
            At = assessment.SubmittedAt,
            FromStatus = risk.Status,
            ToStatus = RiskStatus.Resolved,
            Actor = assessment.SubmittedBy,
            Reason = $"impact assessment version {assessment.Version} ({assessment.AssessmentId}, sha256 {assessment.ContentHash}) submitted{approved}: "
                + $"it assesses the intended use \"{purpose}\"; rule {risk.RuleId} no longer fires on event {risk.LastEventId} with it",
            UpdateId = updateId,
            Level = next.Level,
            ResidualLevel = next.ResidualLevel,
        });
    }

    /// <summary>The update id of the resolution of one risk by one submission: unique in the history, like an owner's update.</summary>
    public static Guid UpdateOf(Guid assessmentId, Guid riskId) => TaskIds.NameBased($"impact-assessment/{assessmentId:D}/risk/{riskId:D}");

    /// <summary>Whether the rule fires; null when it fails to evaluate (such a rule decides nothing).</summary>
    private static bool? Fires(CompiledRule rule, AiSystemChanged change)
    {
        try
        {
            return rule.Fires(EventNormalizer.Normalize(change));
        }
#pragma warning disable CA1031 // As in the evaluator: a rule that throws has not fired, and then proves nothing either way.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}

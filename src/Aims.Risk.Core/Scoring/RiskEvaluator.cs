using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.Core.Scoring;

/// <summary>
/// Evaluates one event against a rule set: each enabled rule that fires becomes a finding, scored on the
/// rule set's criteria. Deterministic for the same event, rule set and clock.
/// </summary>
public sealed class RiskEvaluator(TimeProvider timeProvider)
{
    public EventAssessment Evaluate(AiSystemChanged change, RuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(ruleSet);
        var assessedAt = timeProvider.GetUtcNow();
        var normalized = EventNormalizer.Normalize(change);
        var criteria = ruleSet.Criteria;
        List<Finding>? findings = null;
        List<RuleEvaluationError>? errors = null;
        var rationaleBudget = new RationaleBudget(RationaleBudget.DefaultChars);

        foreach (var rule in ruleSet.Rules)
        {
            bool fired;
            try
            {
                fired = rule.Fires(normalized);
            }
#pragma warning disable CA1031 // RulesEngine's semantics: a rule that throws has not fired; the error is reported, not swallowed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (errors ??= []).Add(new RuleEvaluationError(rule.Definition.Id, $"{ex.GetType().Name}: {ex.Message}"));
                continue;
            }

            if (!fired)
            {
                continue;
            }

            var definition = rule.Definition;
            var requiresTreatment = criteria.RequiresTreatment(rule.Level);
            (findings ??= []).Add(new Finding
            {
                RuleId = definition.Id,
                Category = definition.Category,
                Title = definition.Title,
                Rationale = rule.RenderRationale(normalized, rationaleBudget),
                Likelihood = definition.Likelihood,
                Impact = definition.Impact,
                Score = RiskCriteria.Score(definition.Likelihood, definition.Impact),
                Level = rule.Level,
                Treatment = requiresTreatment ? definition.Treatment : Treatment.Accept,
                RecommendedTreatment = definition.Treatment,
                Controls = definition.Controls,
                Nist = definition.Nist,
                MitDomain = definition.MitDomain,
                RequiresTreatment = requiresTreatment,
                TaskId = requiresTreatment ? TaskIds.For(change.EventId, definition.Id) : null,
                DueBy = requiresTreatment ? assessedAt.AddDays(criteria.DueDays(rule.Level)) : null,
            });
        }

        return new EventAssessment
        {
            Change = change,
            RuleSetVersion = ruleSet.Version,
            RuleSetHash = ruleSet.Hash,
            AssessedAt = assessedAt,
            Findings = findings ?? [],
            Errors = errors ?? [],
        };
    }
}

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
        List<string>? cleared = null;
        var rationaleBudget = new RationaleBudget(RationaleBudget.DefaultChars);

        foreach (var rule in ruleSet.Rules)
        {
            // Assigned here although every path assigns it: Stryker.NET's instrumentation cannot prove that (docs/testing.md).
            // Stryker disable once Boolean : equivalent; the value is never read before the try block assigns it or continues
            var fired = false;
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
                if (rule.HasEvidenceIn(normalized))
                {
                    (cleared ??= []).Add(rule.Definition.Id);
                }

                continue;
            }

            var definition = rule.Definition;
            var score = rule.Score(normalized);
            foreach (var error in score.Errors)
            {
                (errors ??= []).Add(new RuleEvaluationError(definition.Id, error));
            }

            var level = criteria.LevelOf(score.Likelihood, score.Impact);
            var requiresTreatment = criteria.RequiresTreatment(level);
            var rationale = rule.RenderRationale(normalized, rationaleBudget);
            (findings ??= []).Add(new Finding
            {
                RuleId = definition.Id,
                Category = definition.Category,
                Title = definition.Title,
                Rationale = score.Modifiers.Count == 0 ? rationale : WithModifiers(rationale, definition, score),
                Likelihood = score.Likelihood,
                Impact = score.Impact,
                BaseLikelihood = definition.Likelihood,
                BaseImpact = definition.Impact,
                Modifiers = score.Modifiers,
                Score = RiskCriteria.Score(score.Likelihood, score.Impact),
                Level = level,
                Treatment = requiresTreatment ? definition.Treatment : Treatment.Accept,
                RecommendedTreatment = definition.Treatment,
                Controls = definition.Controls,
                Nist = definition.Nist,
                MitDomain = definition.MitDomain,
                Guidance = definition.Guidance,
                RequiresTreatment = requiresTreatment,
                TaskId = requiresTreatment ? TaskIds.For(change.EventId, definition.Id) : null,
                DueBy = requiresTreatment ? assessedAt.AddDays(criteria.DueDays(level)) : null,
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
            Cleared = cleared ?? [],
        };
    }

    /// <summary>The rationale with why the score is above the rule's base: an auditor sees what made it Critical.</summary>
    internal static string WithModifiers(string rationale, RuleDefinition definition, RuleScore score) =>
        $"{rationale.TrimEnd('.', ' ')}. Scored likelihood {score.Likelihood}, impact {score.Impact} (base {definition.Likelihood}, {definition.Impact}): {string.Join("; ", score.Modifiers)}";
}

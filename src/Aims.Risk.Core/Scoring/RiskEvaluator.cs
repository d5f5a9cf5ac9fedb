using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.Core.Scoring;

/// <summary>
/// Evaluates one event against a rule set: each enabled rule that fires becomes a finding, scored on the
/// rule set's criteria. Deterministic for the same event, rule set and clock.
/// </summary>
public sealed class RiskEvaluator(TimeProvider timeProvider)
{
    /// <summary>Candidate sets up to this many words (16,384 rules) live on the stack.</summary>
    private const int MaxStackWords = 256;

    public EventAssessment Evaluate(AiSystemChanged change, RuleSet ruleSet) => Evaluate(change, ruleSet, useIndex: true);

    /// <param name="change">The event.</param>
    /// <param name="ruleSet">The rules.</param>
    /// <param name="useIndex">False runs every rule: the reference the index is checked against.</param>
    internal EventAssessment Evaluate(AiSystemChanged change, RuleSet ruleSet, bool useIndex)
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

        var rules = ruleSet.Rules;
        var index = ruleSet.Index;
        // The rules that can fire on this event (RuleIndex); the others are known not to fire, and not to throw.
        Span<ulong> candidates = index.WordCount <= MaxStackWords ? stackalloc ulong[index.WordCount] : new ulong[index.WordCount];
        if (useIndex)
        {
            index.Candidates(normalized, candidates);
        }
        else
        {
            candidates.Fill(ulong.MaxValue);
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!RuleIndex.Contains(candidates, i))
            {
                if (rule.HasEvidenceIn(normalized))
                {
                    (cleared ??= []).Add(rule.Definition.Id);
                }

                continue;
            }

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

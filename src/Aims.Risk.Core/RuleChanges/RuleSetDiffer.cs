using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Core.RuleChanges;

/// <summary>
/// Compares what two compiled rule sets decide on one input, with the reconciler's rules: a rule that starts firing
/// opens a risk, one that stops firing resolves it only when it is system-scoped and the input carries its evidence
/// (<see cref="EventAssessment.Cleared"/>), and a rule both fire may change level or treatment. Decides as
/// <see cref="RiskEvaluator"/> does, without rendering rationales; a rule whose expression is the same in both sets is
/// evaluated once, and evidence is looked at only for a rule that stops firing. Thread-safe.
/// </summary>
public sealed class RuleSetDiffer
{
    private readonly RuleSet _active;
    private readonly RuleSet _candidate;

    /// <summary>
    /// For each candidate rule, the active rule with the same id (or -1), whether its expression is the same, and whether
    /// its scoring is (likelihood, impact and modifiers): then one score serves both sets, only the criteria differ.
    /// </summary>
    private readonly (int Active, bool SameExpression, bool SameScoring)[] _pairs;

    /// <summary>Active rules the candidate does not have.</summary>
    private readonly int[] _removed;

    public RuleSetDiffer(RuleSet active, RuleSet candidate)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(candidate);
        _active = active;
        _candidate = candidate;
        var activeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < active.Rules.Count; i++)
        {
            activeIndex[active.Rules[i].Definition.Id] = i;
        }

        _pairs = [.. candidate.Rules.Select(r => activeIndex.TryGetValue(r.Definition.Id, out var i)
            ? (i, string.Equals(active.Rules[i].Definition.Expression, r.Definition.Expression, StringComparison.Ordinal), SameScoring(active.Rules[i].Definition, r.Definition))
            : (-1, false, false))];
        var kept = candidate.Rules.Select(r => r.Definition.Id).ToHashSet(StringComparer.Ordinal);
        _removed = [.. Enumerable.Range(0, active.Rules.Count).Where(i => !kept.Contains(active.Rules[i].Definition.Id))];
    }

    public SystemDiff Compare(AiSystemChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var normalized = EventNormalizer.Normalize(change);
        var systemId = change.System.Id;
        List<RiskChange>? changes = null;
        List<RuleEvaluationError>? errors = null;

        for (var c = 0; c < _pairs.Length; c++)
        {
            var rule = _candidate.Rules[c];
            var (a, same, sameScoring) = _pairs[c];
            var activeRule = a >= 0 ? _active.Rules[a] : null;
            var candidateFires = Fires(rule, normalized, out var failure);
            if (failure is not null)
            {
                (errors ??= []).Add(failure);
            }

            // The same expression on the same input gives the same answer; only scores and treatment can differ.
            var activeFires = activeRule is not null && (same && failure is null ? candidateFires : Fires(activeRule, normalized, out _));
            var definition = rule.Definition;
            if (candidateFires)
            {
                var score = rule.Score(normalized);
                var now = Scored(_candidate, rule, score);
                if (!activeFires)
                {
                    Add(new RiskChange(systemId, definition.Id, definition.Category, RiskChangeKind.Opens, null, now.Level, null, now.Treatment));
                }
                else if (Scored(_active, activeRule!, sameScoring ? score : activeRule!.Score(normalized)) is var was && was.Level != now.Level)
                {
                    Add(new RiskChange(systemId, definition.Id, definition.Category, RiskChangeKind.LevelChanges, was.Level, now.Level, was.Treatment, now.Treatment));
                }
                else if (was.Treatment != now.Treatment)
                {
                    Add(new RiskChange(systemId, definition.Id, definition.Category, RiskChangeKind.TreatmentChanges, was.Level, now.Level, was.Treatment, now.Treatment));
                }
            }
            else if (activeFires)
            {
                // A rule that failed is not known to be clear: its risk stays open.
                var kind = failure is null && rule.HasEvidenceIn(normalized) ? RiskChangeKind.Resolves : RiskChangeKind.NoLongerFires;
                var was = Scored(_active, activeRule!, normalized);
                Add(new RiskChange(systemId, definition.Id, activeRule!.Definition.Category, kind, was.Level, null, was.Treatment, null));
            }
        }

        foreach (var a in _removed)
        {
            var activeRule = _active.Rules[a];
            if (Fires(activeRule, normalized, out _))
            {
                var was = Scored(_active, activeRule, normalized);
                Add(new RiskChange(systemId, activeRule.Definition.Id, activeRule.Definition.Category, RiskChangeKind.NoLongerFires, was.Level, null, was.Treatment, null));
            }
        }

        changes?.Sort((x, y) => string.CompareOrdinal(x.RuleId, y.RuleId));
        return new SystemDiff(systemId, change.EventId, changes ?? (IReadOnlyList<RiskChange>)[], errors ?? (IReadOnlyList<RuleEvaluationError>)[]);

        void Add(RiskChange riskChange) => (changes ??= []).Add(riskChange);
    }

    /// <summary>The level and treatment a finding of the rule gets, its modifiers applied as the evaluator applies them.</summary>
    private static (RiskLevel Level, Treatment Treatment) Scored(RuleSet ruleSet, CompiledRule rule, AiSystemChanged normalized) =>
        Scored(ruleSet, rule, rule.Score(normalized));

    private static (RiskLevel Level, Treatment Treatment) Scored(RuleSet ruleSet, CompiledRule rule, RuleScore score)
    {
        var level = ruleSet.Criteria.LevelOf(score.Likelihood, score.Impact);
        return (level, ruleSet.Criteria.RequiresTreatment(level) ? rule.Definition.Treatment : Treatment.Accept);
    }

    /// <summary>Both rules score an input alike: the same likelihood, impact and modifiers (conditions and increments).</summary>
    private static bool SameScoring(RuleDefinition active, RuleDefinition candidate) =>
        active.Likelihood == candidate.Likelihood && active.Impact == candidate.Impact
        && active.Modifiers.Count == candidate.Modifiers.Count
        && active.Modifiers.Zip(candidate.Modifiers).All(m =>
            string.Equals(m.First.When, m.Second.When, StringComparison.Ordinal) && m.First.Likelihood == m.Second.Likelihood && m.First.Impact == m.Second.Impact);

    /// <summary>The evaluator's semantics: a rule that throws has not fired, and the error is reported.</summary>
    private static bool Fires(CompiledRule rule, AiSystemChanged normalized, out RuleEvaluationError? failure)
    {
        failure = null;
        try
        {
            return rule.Fires(normalized);
        }
#pragma warning disable CA1031 // As RiskEvaluator: a rule that throws has not fired; the error is reported, not swallowed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = new RuleEvaluationError(rule.Definition.Id, $"{ex.GetType().Name}: {ex.Message}");
            return false;
        }
    }
}

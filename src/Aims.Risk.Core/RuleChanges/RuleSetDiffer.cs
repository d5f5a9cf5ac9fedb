using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Core.RuleChanges;

/// <summary>
/// Compares what two compiled rule sets decide on one input, with the reconciler's rules: a rule that starts firing
/// opens a risk, one that stops firing resolves it only when it is system-scoped and the input carries its evidence
/// (<see cref="EventAssessment.Cleared"/>), and a rule both fire may change level or treatment. Evaluates the fired set
/// only (no rationales): the same decisions as <see cref="RiskEvaluator"/>, at a fraction of its cost. Thread-safe.
/// </summary>
public sealed class RuleSetDiffer
{
    private readonly RuleSet _active;
    private readonly RuleSet _candidate;

    public RuleSetDiffer(RuleSet active, RuleSet candidate)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(candidate);
        _active = active;
        _candidate = candidate;
    }

    public SystemDiff Compare(AiSystemChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var normalized = EventNormalizer.Normalize(change);
        var before = Decide(_active, normalized, errors: null);
        List<RuleEvaluationError>? errors = null;
        var after = Decide(_candidate, normalized, e => (errors ??= []).Add(e));
        List<RiskChange>? changes = null;
        var systemId = change.System.Id;

        foreach (var (ruleId, now) in after)
        {
            if (!now.Fired)
            {
                continue;
            }

            if (!before.TryGetValue(ruleId, out var was) || !was.Fired)
            {
                Add(new RiskChange(systemId, ruleId, now.Category, RiskChangeKind.Opens, null, now.Level, null, now.Treatment));
                continue;
            }

            if (was.Level != now.Level)
            {
                Add(new RiskChange(systemId, ruleId, now.Category, RiskChangeKind.LevelChanges, was.Level, now.Level, was.Treatment, now.Treatment));
            }
            else if (was.Treatment != now.Treatment)
            {
                Add(new RiskChange(systemId, ruleId, now.Category, RiskChangeKind.TreatmentChanges, was.Level, now.Level, was.Treatment, now.Treatment));
            }
        }

        foreach (var (ruleId, was) in before)
        {
            if (!was.Fired || (after.TryGetValue(ruleId, out var now) && now.Fired))
            {
                continue;
            }

            var kind = now is { Cleared: true } ? RiskChangeKind.Resolves : RiskChangeKind.NoLongerFires;
            Add(new RiskChange(systemId, ruleId, was.Category, kind, was.Level, null, was.Treatment, null));
        }

        changes?.Sort((a, b) => string.CompareOrdinal(a.RuleId, b.RuleId));
        return new SystemDiff(systemId, change.EventId, changes ?? (IReadOnlyList<RiskChange>)[], errors ?? (IReadOnlyList<RuleEvaluationError>)[]);

        void Add(RiskChange riskChange) => (changes ??= []).Add(riskChange);
    }

    /// <summary>Per rule: fired (with level and decided treatment), or cleared, or neither. A rule that throws has not fired.</summary>
    private static Dictionary<string, Decision> Decide(RuleSet ruleSet, AiSystemChanged normalized, Action<RuleEvaluationError>? errors)
    {
        var decisions = new Dictionary<string, Decision>(ruleSet.Rules.Count, StringComparer.Ordinal);
        var criteria = ruleSet.Criteria;
        foreach (var rule in ruleSet.Rules)
        {
            var definition = rule.Definition;
            bool fired;
            try
            {
                fired = rule.Fires(normalized);
            }
#pragma warning disable CA1031 // The evaluator's semantics: a rule that throws has not fired; the error is reported.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                errors?.Invoke(new RuleEvaluationError(definition.Id, $"{ex.GetType().Name}: {ex.Message}"));
                decisions[definition.Id] = new Decision(false, false, rule.Level, definition.Treatment, definition.Category);
                continue;
            }

            var treatment = criteria.RequiresTreatment(rule.Level) ? definition.Treatment : Treatment.Accept;
            decisions[definition.Id] = new Decision(fired, !fired && rule.HasEvidenceIn(normalized), rule.Level, treatment, definition.Category);
        }

        return decisions;
    }

    private readonly record struct Decision(bool Fired, bool Cleared, RiskLevel Level, Treatment Treatment, string Category);
}

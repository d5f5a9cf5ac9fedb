using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>A validated rule with its expression, modifiers and rationale compiled once, at load time.</summary>
public sealed class CompiledRule
{
    private readonly Func<AiSystemChanged, bool> _predicate;
    private readonly RationaleTemplate _rationale;

    private readonly RuleEvidence _evidence;

    // An array, looped with for: scoring a fired rule allocates nothing unless a modifier applies.
    private readonly CompiledModifier[] _modifiers;

    internal CompiledRule(
        RuleDefinition definition,
        Func<AiSystemChanged, bool> predicate,
        RuleEvidence evidence,
        RationaleTemplate rationale,
        IReadOnlyList<CompiledModifier> modifiers,
        RiskCriteria criteria)
    {
        Definition = definition;
        _predicate = predicate;
        _evidence = evidence;
        _rationale = rationale;
        _modifiers = [.. modifiers];
        Level = criteria.LevelOf(definition.Likelihood, definition.Impact);
        WorstLevel = criteria.LevelOf(
            Math.Min(RiskCriteria.Scale, definition.Likelihood + modifiers.Sum(m => m.Definition.Likelihood)),
            Math.Min(RiskCriteria.Scale, definition.Impact + modifiers.Sum(m => m.Definition.Impact)));
    }

    public RuleDefinition Definition { get; }

    /// <summary>The level of the rule's base likelihood and impact; a finding is at this level unless a modifier raises it.</summary>
    public RiskLevel Level { get; }

    /// <summary>The level when every modifier applies: the worst case the rule can report.</summary>
    public RiskLevel WorstLevel { get; }

    /// <summary>Evaluates the rule on a normalised event (see <see cref="EventNormalizer"/>).</summary>
    public bool Fires(AiSystemChanged normalized) => _predicate(normalized);

    /// <summary>The values of the event the expression reads, e.g. <c>Security.ArtifactSigned</c>.</summary>
    public IReadOnlyList<string> Evidence => _evidence.Paths;

    /// <summary>What must hold of an event for the rule to fire, as the rule index reads it from the expression.</summary>
    internal IReadOnlyList<IndexCondition> IndexConditions => _evidence.Conditions;

    /// <summary>
    /// Whether a normalised event in which the rule did not fire shows that its risk no longer holds: only for a
    /// system-scoped rule, and only when the event carries every value the rule reads.
    /// </summary>
    public bool Clears(AiSystemChanged normalized) => HasEvidenceIn(normalized) && !_predicate(normalized);

    /// <summary>A system-scoped rule whose every value read is in the event: its not firing is a finding too.</summary>
    public bool HasEvidenceIn(AiSystemChanged normalized) => Definition.Scope == RuleScope.System && _evidence.IsPresentIn(normalized);

    public string RenderRationale(AiSystemChanged normalized) => _rationale.Render(normalized);

    /// <summary>
    /// The likelihood and impact of a finding of this rule on a normalised event: the base values raised by every
    /// modifier whose condition holds, capped at the grid's edge. A modifier that throws is not applied and is
    /// reported in <c>Errors</c>; it never takes the finding away. Allocates nothing when no modifier applies.
    /// </summary>
    public RuleScore Score(AiSystemChanged normalized)
    {
        var likelihood = Definition.Likelihood;
        var impact = Definition.Impact;
        List<string>? applied = null;
        List<string>? errors = null;
        for (var i = 0; i < _modifiers.Length; i++)
        {
            var modifier = _modifiers[i];
            bool applies;
            try
            {
                applies = modifier.Applies(normalized);
            }
#pragma warning disable CA1031 // As for a rule: a modifier that throws does not apply; the error is reported with the finding.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (errors ??= []).Add($"modifier '{modifier.Definition.Reason}': {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            if (applies)
            {
                likelihood += modifier.Definition.Likelihood;
                impact += modifier.Definition.Impact;
                (applied ??= []).Add(modifier.Description);
            }
        }

        return new RuleScore(
            Math.Min(RiskCriteria.Scale, likelihood),
            Math.Min(RiskCriteria.Scale, impact),
            applied ?? (IReadOnlyList<string>)[],
            errors ?? (IReadOnlyList<string>)[]);
    }

    /// <summary>Renders the rationale within what is left of the event's <paramref name="budget"/>.</summary>
    public string RenderRationale(AiSystemChanged normalized, RationaleBudget budget) => _rationale.Render(normalized, budget);
}

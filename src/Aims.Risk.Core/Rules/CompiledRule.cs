using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>A validated rule with its expression and rationale compiled once, at load time.</summary>
public sealed class CompiledRule
{
    private readonly Func<AiSystemChanged, bool> _predicate;
    private readonly RationaleTemplate _rationale;

    internal CompiledRule(RuleDefinition definition, Func<AiSystemChanged, bool> predicate, RationaleTemplate rationale, RiskLevel level)
    {
        Definition = definition;
        _predicate = predicate;
        _rationale = rationale;
        Level = level;
    }

    public RuleDefinition Definition { get; }

    /// <summary>The level from the criteria grid: fixed per rule, so computed once.</summary>
    public RiskLevel Level { get; }

    /// <summary>Evaluates the rule on a normalised event (see <see cref="EventNormalizer"/>).</summary>
    public bool Fires(AiSystemChanged normalized) => _predicate(normalized);

    public string RenderRationale(AiSystemChanged normalized) => _rationale.Render(normalized);

    /// <summary>Renders the rationale within what is left of the event's <paramref name="budget"/>.</summary>
    public string RenderRationale(AiSystemChanged normalized, RationaleBudget budget) => _rationale.Render(normalized, budget);
}

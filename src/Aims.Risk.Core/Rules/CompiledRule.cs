using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>A validated rule with its expression and rationale compiled once, at load time.</summary>
public sealed class CompiledRule
{
    private readonly Func<AiSystemChanged, bool> _predicate;
    private readonly RationaleTemplate _rationale;

    private readonly RuleEvidence _evidence;

    internal CompiledRule(RuleDefinition definition, Func<AiSystemChanged, bool> predicate, RuleEvidence evidence, RationaleTemplate rationale, RiskLevel level)
    {
        Definition = definition;
        _predicate = predicate;
        _evidence = evidence;
        _rationale = rationale;
        Level = level;
    }

    public RuleDefinition Definition { get; }

    /// <summary>The level from the criteria grid: fixed per rule, so computed once.</summary>
    public RiskLevel Level { get; }

    /// <summary>Evaluates the rule on a normalised event (see <see cref="EventNormalizer"/>).</summary>
    public bool Fires(AiSystemChanged normalized) => _predicate(normalized);

    /// <summary>The values of the event the expression reads, e.g. <c>Security.ArtifactSigned</c>.</summary>
    public IReadOnlyList<string> Evidence => _evidence.Paths;

    /// <summary>
    /// Whether a normalised event in which the rule did not fire shows that its risk no longer holds: only for a
    /// system-scoped rule, and only when the event carries every value the rule reads.
    /// </summary>
    public bool Clears(AiSystemChanged normalized) => HasEvidenceIn(normalized) && !_predicate(normalized);

    /// <summary>A system-scoped rule whose every value read is in the event: its not firing is a finding too.</summary>
    public bool HasEvidenceIn(AiSystemChanged normalized) => Definition.Scope == RuleScope.System && _evidence.IsPresentIn(normalized);

    public string RenderRationale(AiSystemChanged normalized) => _rationale.Render(normalized);
}

namespace Aims.Risk.Core.RuleChanges;

/// <summary>What a candidate rule set would do to one risk of a system, compared with the active rule set.</summary>
public enum RiskChangeKind
{
    /// <summary>The candidate fires a rule the active one does not: a risk would open (a task at or above the threshold).</summary>
    Opens,

    /// <summary>The candidate no longer fires a system-scoped rule and the input carries its evidence: the reconciler would resolve the risk.</summary>
    Resolves,

    /// <summary>Both fire, at different levels.</summary>
    LevelChanges,

    /// <summary>Both fire, with a different decided treatment (e.g. Accept below a raised threshold).</summary>
    TreatmentChanges,

    /// <summary>
    /// The candidate no longer fires the rule but the input does not show the risk cleared (a change-scoped or removed rule,
    /// or evidence missing): the reconciler leaves the risk open until its owner closes it.
    /// </summary>
    NoLongerFires,
}

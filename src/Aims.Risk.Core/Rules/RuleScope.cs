namespace Aims.Risk.Core.Rules;

/// <summary>What a rule is about, which decides whether a later event in which it no longer fires resolves its risk.</summary>
public enum RuleScope
{
    /// <summary>A property of the system as it now stands (no bias testing, an unsigned artifact): an event that
    /// carries the rule's evidence and does not fire it resolves the risk.</summary>
    System,

    /// <summary>About the change itself (retrained without re-validation): only an owner's update closes the risk.</summary>
    Change,
}

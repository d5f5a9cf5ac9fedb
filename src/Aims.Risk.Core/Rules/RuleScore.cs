namespace Aims.Risk.Core.Rules;

/// <summary>
/// The likelihood and impact of one finding after the rule's modifiers, with the modifiers that applied
/// (<see cref="RuleModifier.Describe"/>) and those that failed to evaluate.
/// </summary>
public readonly record struct RuleScore(int Likelihood, int Impact, IReadOnlyList<string> Modifiers, IReadOnlyList<string> Errors);

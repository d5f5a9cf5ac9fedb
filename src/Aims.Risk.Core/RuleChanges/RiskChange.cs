using Aims.Risk.Contracts;

namespace Aims.Risk.Core.RuleChanges;

/// <summary>One risk of one system that a candidate rule set changes; levels and treatments as each rule set scores them.</summary>
public sealed record RiskChange(
    string SystemId,
    string RuleId,
    string Category,
    RiskChangeKind Kind,
    RiskLevel? FromLevel,
    RiskLevel? ToLevel,
    Treatment? FromTreatment,
    Treatment? ToTreatment)
{
    /// <summary>The level the totals count it under: the candidate's, or the active one's for a risk that goes away.</summary>
    public RiskLevel Level => ToLevel ?? FromLevel ?? RiskLevel.Low;
}

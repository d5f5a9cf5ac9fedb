namespace Aims.Risk.Core.Rules;

/// <summary>The outcome of running <c>rules/tests</c> against a rule set.</summary>
public sealed record RuleTestReport(int CaseCount, IReadOnlyList<RuleSetError> Failures)
{
    public bool Passed => Failures.Count == 0;
}

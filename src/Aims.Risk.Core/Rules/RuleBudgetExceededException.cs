namespace Aims.Risk.Core.Rules;

/// <summary>A rule expression exceeded <see cref="RuleStepBudget.MaxSteps"/> in one evaluation.</summary>
public sealed class RuleBudgetExceededException : Exception
{
    public RuleBudgetExceededException()
    {
    }

    public RuleBudgetExceededException(string message)
        : base(message)
    {
    }

    public RuleBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

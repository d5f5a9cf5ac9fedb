namespace Aims.Risk.Core.Rules;

/// <summary>A rule expression that does not compile or is refused by the guard.</summary>
public sealed class RuleExpressionException : Exception
{
    public RuleExpressionException()
    {
    }

    public RuleExpressionException(string message)
        : base(message)
    {
    }

    public RuleExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Aims.Risk.Core.Risks;

/// <summary>
/// An update the lifecycle refuses (an illegal transition, a missing approver or expiry, a residual above the inherent
/// risk): bad input, never retried; the message says what is wrong.
/// </summary>
public sealed class RiskUpdateRefusedException : Exception
{
    public RiskUpdateRefusedException()
    {
    }

    public RiskUpdateRefusedException(string message)
        : base(message)
    {
    }

    public RiskUpdateRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

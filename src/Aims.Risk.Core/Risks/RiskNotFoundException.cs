namespace Aims.Risk.Core.Risks;

/// <summary>An update names a risk or task the register does not know: bad input, never retried.</summary>
public sealed class RiskNotFoundException : Exception
{
    public RiskNotFoundException()
    {
    }

    public RiskNotFoundException(string message)
        : base(message)
    {
    }

    public RiskNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

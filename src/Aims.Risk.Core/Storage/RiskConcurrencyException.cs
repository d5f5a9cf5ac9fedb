namespace Aims.Risk.Core.Storage;

/// <summary>
/// Another writer changed the risk between this transaction's read and its write (or opened it first): the
/// transaction is rolled back and run again on the state that won.
/// </summary>
public sealed class RiskConcurrencyException : Exception
{
    public RiskConcurrencyException()
    {
    }

    public RiskConcurrencyException(string message)
        : base(message)
    {
    }

    public RiskConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Aims.Risk.Core.Sources;

/// <summary>
/// A well-formed platform event that cannot be assessed as it stands: its model is not in the catalogue, or a tag
/// has a value the contract does not allow. Answered 422 with the reason; never assessed with guessed values.
/// </summary>
public sealed class UnprocessableChangeException : Exception
{
    public UnprocessableChangeException()
    {
    }

    public UnprocessableChangeException(string message)
        : base(message)
    {
    }

    public UnprocessableChangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

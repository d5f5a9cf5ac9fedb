namespace Aims.Risk.Core.Events;

/// <summary>
/// A message that is not a valid <c>AiSystemChanged</c>. Never retried: it goes to the error queue with
/// <see cref="Exception.Message"/> as the reason, which names the field and what is wrong.
/// </summary>
public sealed class InvalidEventException : Exception
{
    public InvalidEventException()
    {
    }

    public InvalidEventException(string message)
        : base(message)
    {
    }

    public InvalidEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Aims.Risk.Core.Consumers;

/// <summary>
/// A message the worker could not process for a reason a retry cannot fix. It goes to the error queue at once, with
/// <see cref="Exception.Message"/> as the reason: written for the people who read the error queue, free of stack
/// traces, paths and host names. The original exception is logged on the worker's machine only.
/// </summary>
public sealed class UnprocessableEventException : Exception
{
    public UnprocessableEventException()
    {
    }

    public UnprocessableEventException(string message)
        : base(message)
    {
    }

    public UnprocessableEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

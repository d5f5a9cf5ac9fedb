namespace Aims.Risk.Core.Sources;

/// <summary>A platform event that is not what the platform sends (malformed JSON, a missing field): answered 400.</summary>
public sealed class SourceFormatException : Exception
{
    public SourceFormatException()
    {
    }

    public SourceFormatException(string message)
        : base(message)
    {
    }

    public SourceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

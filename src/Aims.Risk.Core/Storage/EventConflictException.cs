namespace Aims.Risk.Core.Storage;

/// <summary>The same eventId arrived again with a different payload: a publisher bug, never retried.</summary>
public sealed class EventConflictException : Exception
{
    public EventConflictException(Guid eventId)
        : base($"eventId {eventId} was already assessed with a different payload; an eventId must identify one event")
    {
        EventId = eventId;
    }

    public EventConflictException()
    {
    }

    public EventConflictException(string message)
        : base(message)
    {
    }

    public EventConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public Guid EventId { get; }
}

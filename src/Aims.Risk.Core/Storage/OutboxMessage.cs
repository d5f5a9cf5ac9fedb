namespace Aims.Risk.Core.Storage;

/// <summary>
/// A message written in the same transaction as the transition it announces, published by the worker's relay
/// afterwards: how an owner's update, the CLI and the sweep publish with nothing lost between commit and send.
/// </summary>
public sealed record OutboxMessage
{
    /// <summary>The AMQP message_id: the change id of a status event, the task id of a task.</summary>
    public required Guid MessageId { get; init; }

    /// <summary><c>RiskStatusChanged</c> or <c>RiskTreatmentRequested</c>.</summary>
    public required string MessageType { get; init; }

    /// <summary>The message as contract JSON.</summary>
    public required string Body { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }
}

using System.ComponentModel.DataAnnotations;
using Aims.Risk.Core.Events;

namespace Aims.Risk.Core.Consumers;

/// <summary>Section <c>Worker</c>: how the worker consumes.</summary>
public sealed class RiskWorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>The largest message body accepted; larger ones go to the error queue.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = AiSystemChangedReader.DefaultMaxBytes;

    /// <summary>Messages the broker sends ahead of acknowledgement.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 256;

    /// <summary>
    /// Messages processed at once by this replica. Many, because most of a message's time is spent waiting
    /// for the register's commit, which the SQLite register shares among all the messages waiting for it.
    /// </summary>
    [Range(1, 1_000)]
    public int ConcurrentMessageLimit { get; set; } = 128;

    /// <summary>Retries (in memory, with back-off) of a message whose processing failed for a transient reason.</summary>
    [Range(0, 100)]
    public int RetryLimit { get; set; } = 10;

    /// <summary>Declare the input queue as a quorum queue (replicated; needs RabbitMQ 3.8 or newer).</summary>
    public bool QuorumQueue { get; set; } = true;
}

using System.ComponentModel.DataAnnotations;
using Aims.Risk.Core.Events;

namespace Aims.Risk.Core.Consumers;

/// <summary>Section <c>Worker</c>: how the worker consumes.</summary>
public sealed class RiskWorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>The largest message body accepted; larger ones go to the error queue.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Worker:MaxMessageBytes must be from {1} to {2}")]
    public int MaxMessageBytes { get; set; } = AiSystemChangedReader.DefaultMaxBytes;

    /// <summary>Messages the broker sends ahead of acknowledgement.</summary>
    [Range(1, 10_000, ErrorMessage = "Worker:PrefetchCount must be from {1} to {2}")]
    public int PrefetchCount { get; set; } = 256;

    /// <summary>
    /// Messages processed at once by this replica. Many, because most of a message's time is spent waiting
    /// for the register's commit, which the SQLite register shares among all the messages waiting for it.
    /// </summary>
    [Range(1, 1_000, ErrorMessage = "Worker:ConcurrentMessageLimit must be from {1} to {2}")]
    public int ConcurrentMessageLimit { get; set; } = 128;

    /// <summary>
    /// Retries (in memory, with back-off) of a message whose treatment tasks could not be published because the broker
    /// connection failed. No other fault is retried but a transient store fault (<see cref="StoreRetryLimit"/>).
    /// </summary>
    [Range(0, 100, ErrorMessage = "Worker:RetryLimit must be from {1} to {2}")]
    public int RetryLimit { get; set; } = 10;

    /// <summary>
    /// Retries of a message whose write to the register failed for a transient reason (locked, busy, failover),
    /// after the SQL pipeline's own attempts. With <see cref="StoreRetryInterval"/> it sets how long a store outage
    /// can last before messages go to the error queue: 60 × 5 s, plus the attempts themselves, is over five minutes.
    /// </summary>
    [Range(0, 10_000, ErrorMessage = "Worker:StoreRetryLimit must be from {1} to {2}")]
    public int StoreRetryLimit { get; set; } = 60;

    /// <summary>The wait between those retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00", ErrorMessage = "Worker:StoreRetryInterval must be from {1} to {2}")]
    public TimeSpan StoreRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long publishing an event's treatment tasks may take before the message is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Worker:PublishTimeout must be from {1} to {2}")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long publishing may fail with timeouts, with no publish succeeding, while the bus reports itself connected,
    /// before the worker stops so that a new process gets a new broker connection (see <see cref="PublishWatchdog"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Worker:PublishStallLimit must be from {1} to {2}")]
    public TimeSpan PublishStallLimit { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Declare the input queue as a quorum queue (replicated; needs RabbitMQ 3.8 or newer).</summary>
    public bool QuorumQueue { get; set; } = true;
}

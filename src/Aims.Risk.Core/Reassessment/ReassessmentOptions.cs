using System.ComponentModel.DataAnnotations;

namespace Aims.Risk.Core.Reassessment;

/// <summary>Section <c>Reassessment</c>: re-assessing the register when the rules change and at planned intervals.</summary>
public sealed class ReassessmentOptions
{
    public const string SectionName = "Reassessment";

    /// <summary>Re-assess every system when a new rule-set version is activated.</summary>
    public bool OnActivation { get; set; } = true;

    /// <summary>
    /// A system not assessed within this time is re-assessed from its latest input (ISO/IEC 42001 8.2, planned
    /// intervals), checked once a day; unset: no planned re-assessment.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "Reassessment:Interval must be from {1} to {2}")]
    public TimeSpan? Interval { get; set; }

    /// <summary>Re-assessment messages processed at once per replica: few, so new change events are not starved.</summary>
    [Range(1, 256, ErrorMessage = "Reassessment:ConcurrentMessageLimit must be from {1} to {2}")]
    public int ConcurrentMessageLimit { get; set; } = 4;

    /// <summary>Re-assessment messages the broker sends ahead.</summary>
    [Range(1, 1_000, ErrorMessage = "Reassessment:PrefetchCount must be from {1} to {2}")]
    public int PrefetchCount { get; set; } = 16;

    /// <summary>
    /// Re-assessment messages a replica sends per second while it enqueues a run: sent all at once, 100,000 messages
    /// took the broker and the CPU from new events for a minute, and at 1,000 a second new events' p99 was still
    /// several times its figure while the run was enqueued. Re-assessing is far slower than sending, so a lower pace
    /// costs the run no time. The claim is renewed while the run is enqueued, however long that takes.
    /// </summary>
    [Range(10, 100_000, ErrorMessage = "Reassessment:EnqueueRate must be from {1} to {2}")]
    public int EnqueueRate { get; set; } = 200;

    /// <summary>How often a replica looks for runs to enqueue (requested by the command line, or left by a replica that stopped).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Reassessment:PollInterval must be from {1} to {2}")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A run claimed this long ago and still not enqueued is claimed again (its replica stopped while enqueuing).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Reassessment:ClaimTimeout must be from {1} to {2}")]
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

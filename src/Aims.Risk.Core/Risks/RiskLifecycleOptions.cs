using System.ComponentModel.DataAnnotations;

namespace Aims.Risk.Core.Risks;

/// <summary>Section <c>Risks</c>: the time-driven side of the lifecycle and the publishing of transitions.</summary>
public sealed class RiskLifecycleOptions
{
    public const string SectionName = "Risks";

    /// <summary>How often the sweep looks for expired acceptances and overdue treatments.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Risks:SweepInterval must be from {1} to {2}")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the outbox is read when nothing in this process wakes it (an update of another replica, the CLI).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00", ErrorMessage = "Risks:OutboxInterval must be from {1} to {2}")]
    public TimeSpan OutboxInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Risks one sweep handles; the rest wait for the next one.</summary>
    [Range(1, 100_000, ErrorMessage = "Risks:SweepBatch must be from {1} to {2}")]
    public int SweepBatch { get; set; } = 500;
}

using Aims.Risk.Contracts;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Risks;

/// <summary>What one assessed event does to the register's risks, written in the event's own transaction.</summary>
/// <param name="Entries">The event's findings, each linked to its risk, with a task id only where a task is requested.</param>
/// <param name="Inserted">Risks seen for the first time.</param>
/// <param name="Updated">Existing risks with their new state; each applies only to the <see cref="RiskRecord.Version"/> it was read at.</param>
/// <param name="History">One row per transition.</param>
/// <param name="Changes">The status events of those transitions.</param>
/// <param name="Reconfirmed">
/// The updated risks whose new state differs from the stored one only in when and by what they were last seen
/// (<see cref="RiskRecord.LastSeenAt"/>, <see cref="RiskRecord.LastEventId"/>, the rule set and the version): the
/// register writes just those columns for them.
/// </param>
public sealed record Reconciliation(
    IReadOnlyList<RiskEntryRecord> Entries,
    IReadOnlyList<RiskRecord> Inserted,
    IReadOnlyList<(RiskRecord Risk, long ReadVersion)> Updated,
    IReadOnlyList<RiskHistoryRecord> History,
    IReadOnlyList<RiskStatusChanged> Changes,
    IReadOnlySet<Guid>? Reconfirmed = null)
{
    /// <summary>True when only the last-seen columns of this update's risk change.</summary>
    public bool IsReconfirmation(RiskRecord risk)
    {
        ArgumentNullException.ThrowIfNull(risk);
        return Reconfirmed?.Contains(risk.RiskId) == true;
    }
}

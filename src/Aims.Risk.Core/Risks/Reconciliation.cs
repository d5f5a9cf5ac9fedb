using Aims.Risk.Contracts;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Risks;

/// <summary>What one assessed event does to the register's risks, written in the event's own transaction.</summary>
/// <param name="Entries">The event's findings, each linked to its risk, with a task id only where a task is requested.</param>
/// <param name="Inserted">Risks seen for the first time.</param>
/// <param name="Updated">Existing risks with their new state; each applies only to the <see cref="RiskRecord.Version"/> it was read at.</param>
/// <param name="History">One row per transition.</param>
/// <param name="Changes">The status events of those transitions.</param>
public sealed record Reconciliation(
    IReadOnlyList<RiskEntryRecord> Entries,
    IReadOnlyList<RiskRecord> Inserted,
    IReadOnlyList<(RiskRecord Risk, long ReadVersion)> Updated,
    IReadOnlyList<RiskHistoryRecord> History,
    IReadOnlyList<RiskStatusChanged> Changes);

using System.Data.Common;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// The reads and writes of risks that reconciling one event needs, inside that event's transaction. The default runs
/// each through Dapper; the SQLite group commit supplies statements prepared once per batch.
/// </summary>
public interface IRiskWrites
{
    Task<IReadOnlyList<RiskRecord>> ReadRisksOfSystemAsync(string systemId, CancellationToken cancellationToken);

    Task InsertRiskAsync(RiskRecord risk, CancellationToken cancellationToken);

    /// <summary>False when another writer changed the risk since <paramref name="readVersion"/>.</summary>
    Task<bool> UpdateRiskAsync(RiskRecord risk, long readVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Writes only the last-seen columns of <paramref name="risk"/> (last seen, last event, rule set, version), if it is
    /// still at <paramref name="readVersion"/>; false when another writer changed it. For a risk seen again unchanged.
    /// </summary>
    Task<bool> ReconfirmRiskAsync(RiskRecord risk, long readVersion, CancellationToken cancellationToken);

    Task InsertHistoryAsync(RiskHistoryRecord history, CancellationToken cancellationToken);
}

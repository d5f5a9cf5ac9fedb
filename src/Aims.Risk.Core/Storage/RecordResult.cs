using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Storage;

/// <param name="IsDuplicate">True when the event was already recorded and nothing was written.</param>
/// <param name="Entries">The entries as stored: the new ones, or the earlier ones for a duplicate.</param>
/// <param name="Changes">The risk transitions the event caused (the same ones again for a duplicate).</param>
public sealed record RecordResult(bool IsDuplicate, IReadOnlyList<RiskEntryRecord> Entries, IReadOnlyList<RiskStatusChanged> Changes)
{
    public RecordResult(bool isDuplicate, IReadOnlyList<RiskEntryRecord> entries)
        : this(isDuplicate, entries, [])
    {
    }
}

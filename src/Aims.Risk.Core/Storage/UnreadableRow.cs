namespace Aims.Risk.Core.Storage;

/// <summary>
/// A stored row that this version cannot map to a record: a value it does not know (a level, status or treatment added by
/// a newer version, say) or one out of its range. Reads that accept a handler for these report each such row and go on.
/// </summary>
/// <param name="Table">The table the row is in.</param>
/// <param name="Key">The row's key.</param>
/// <param name="Problem">What is wrong with it.</param>
public sealed record UnreadableRow(string Table, string Key, string Problem)
{
    /// <summary>Maps each row, handing the rows that cannot be mapped to <paramref name="unreadable"/>; without one, the first such row fails the read.</summary>
    internal static List<TRecord> Map<TRow, TRecord>(
        IEnumerable<TRow> rows, string table, Func<TRow, string> key, Func<TRow, TRecord> map, Action<UnreadableRow>? unreadable)
    {
        var records = new List<TRecord>();
        foreach (var row in rows)
        {
            try
            {
                records.Add(map(row));
            }
            catch (Exception ex) when (unreadable is not null && ex is InvalidDataException or FormatException or OverflowException)
            {
                unreadable(new UnreadableRow(table, key(row), ex.Message));
            }
        }

        return records;
    }
}

namespace Aims.Risk.Cli.Commands;

/// <summary>A plain text table: every column but the last padded to its widest cell.</summary>
internal static class TextTable
{
    public static void Write(TextWriter output, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var last = header.Length - 1;
        var widths = Enumerable.Range(0, last).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine(string.Join("  ", row.Take(last).Select((cell, i) => cell.PadRight(widths[i]))) + "  " + row[last]);
        }
    }
}

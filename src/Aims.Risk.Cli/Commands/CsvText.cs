namespace Aims.Risk.Cli.Commands;

/// <summary>CSV cells as spreadsheets read them safely.</summary>
internal static class CsvText
{
    /// <summary>RFC 4180 quoting; a leading formula character is neutralised so a spreadsheet does not run it.</summary>
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static string Row(IEnumerable<string> cells) => string.Join(',', cells.Select(Cell));
}

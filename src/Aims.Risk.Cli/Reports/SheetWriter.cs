using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Aims.Risk.Cli.Reports;

/// <summary>
/// Streams one worksheet row by row (the Risks and History sheets of a large register do not fit a document tree
/// comfortably), with strings in the workbook's shared-string table.
/// </summary>
internal sealed class SheetWriter : IDisposable
{
    /// <summary>The most characters a cell holds in Excel.</summary>
    public const int MaxCellText = 32_767;

    private readonly OpenXmlWriter _writer;
    private readonly SharedStrings _strings;
    private int _row;
    private int _widestRow;
    private bool _ended;

    public SheetWriter(WorksheetPart part, SharedStrings strings, double[] widths, bool freezeHeader)
    {
        _strings = strings;
        _writer = OpenXmlWriter.Create(part);
        _writer.WriteStartElement(new Worksheet());
        if (freezeHeader)
        {
            _writer.WriteElement(new SheetViews(new SheetView(
                new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
                new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
            { WorkbookViewId = 0 }));
        }

        _writer.WriteElement(new Columns(widths.Select((w, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = w, CustomWidth = true })));
        _writer.WriteStartElement(new SheetData());
    }

    /// <summary>The rows written so far.</summary>
    public int RowCount => _row;

    /// <summary>The cells of the widest row written so far.</summary>
    public int Width => _widestRow;

    public void Row(params SheetCell[] cells)
    {
        _row++;
        _widestRow = Math.Max(_widestRow, cells.Length);
        _writer.WriteStartElement(new Row { RowIndex = (uint)_row });
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = cells[i];
            if (cell.Kind == SheetCellKind.Empty && cell.Style == 0)
            {
                continue;
            }

            var element = new Cell { CellReference = Reference(i, _row), StyleIndex = cell.Style == 0 ? null : cell.Style };
            switch (cell.Kind)
            {
                case SheetCellKind.Text:
                    element.DataType = CellValues.SharedString;
                    element.CellValue = new CellValue(_strings.IndexOf(Fit(cell.Text!)));
                    break;
                case SheetCellKind.Number:
                    element.CellValue = new CellValue(cell.Number);
                    break;
            }

            _writer.WriteElement(element);
        }

        _writer.WriteEndElement();
    }

    /// <summary>Ends the sheet; with <paramref name="autoFilter"/>, the first row heads a filter over every row written.</summary>
    public void End(bool autoFilter)
    {
        _writer.WriteEndElement();
        if (autoFilter && _row > 0)
        {
            _writer.WriteElement(new AutoFilter { Reference = $"A1:{Reference(_widestRow - 1, _row)}" });
        }

        _writer.WriteEndElement();
        _writer.Close();
        _ended = true;
    }

    public void Dispose()
    {
        if (!_ended)
        {
            _writer.Dispose();
        }
    }

    public static string Column(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    public static string Reference(int column, int row) => Column(column) + row.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Text as a cell can hold it: characters XML 1.0 forbids (a register value may carry control characters) become
    /// U+FFFD, and text past Excel's limit is cut with a note saying so.
    /// </summary>
    public static string Fit(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxCellText));
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(XmlConvertValid(c) ? c : '\uFFFD');
            }
        }

        if (builder.Length <= MaxCellText)
        {
            return builder.ToString();
        }

        var note = $" … cut: {(builder.Length - MaxCellText + 80).ToString("#,0", CultureInfo.InvariantCulture)} more characters";
        return builder.ToString(0, MaxCellText - 80) + note;
    }

    private static bool XmlConvertValid(char c) =>
        c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
}

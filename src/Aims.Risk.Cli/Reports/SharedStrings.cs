using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Aims.Risk.Cli.Reports;

/// <summary>The workbook's shared-string table: each distinct text once (statuses, systems and levels repeat a lot).</summary>
internal sealed class SharedStrings
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _strings = [];

    public int IndexOf(string text)
    {
        if (!_index.TryGetValue(text, out var index))
        {
            index = _strings.Count;
            _strings.Add(text);
            _index.Add(text, index);
        }

        return index;
    }

    public void Save(SharedStringTablePart part)
    {
        using var writer = OpenXmlWriter.Create(part);
        writer.WriteStartElement(new SharedStringTable { Count = (uint)_strings.Count, UniqueCount = (uint)_strings.Count });
        foreach (var text in _strings)
        {
            // Leading or trailing spaces survive only with xml:space="preserve".
            writer.WriteElement(new SharedStringItem(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        }

        writer.WriteEndElement();
    }
}

using Aims.Risk.Contracts;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Aims.Risk.Cli.Reports;

/// <summary>The workbook's cell styles: indexes into the style sheet below, level fills the same colours as the HTML report.</summary>
internal static class WorkbookStyles
{
    public const uint Default = 0;
    public const uint Header = 1;
    public const uint Date = 2;
    public const uint DateTime = 3;
    public const uint Bold = 4;
    public const uint Wrap = 5;

    /// <summary>Low, Medium, High, Critical: 6 to 9.</summary>
    private const uint FirstLevel = 6;

    private static readonly string[] LevelColours = ["FFCFE8CF", "FFFFF0A8", "FFFFC98A", "FFF3A0A0"];

    public static uint Of(RiskLevel level) => FirstLevel + (uint)level;

    public static Stylesheet Create()
    {
        var fills = new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            Solid("FFE6E6E6"));
        foreach (var colour in LevelColours)
        {
            fills.Append(Solid(colour));
        }

        var thin = new Border(
            new LeftBorder { Style = BorderStyleValues.Thin },
            new RightBorder { Style = BorderStyleValues.Thin },
            new TopBorder { Style = BorderStyleValues.Thin },
            new BottomBorder { Style = BorderStyleValues.Thin },
            new DiagonalBorder());
        var formats = new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, FillId = 2, BorderId = 1, ApplyFont = true, ApplyFill = true, ApplyBorder = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true },
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { ApplyAlignment = true });
        for (var i = 0; i < LevelColours.Length; i++)
        {
            formats.Append(new CellFormat(new Alignment { Horizontal = HorizontalAlignmentValues.Center })
            {
                FillId = (uint)(3 + i), BorderId = 1, ApplyFill = true, ApplyBorder = true, ApplyAlignment = true,
            });
        }

        return new Stylesheet(
            new NumberingFormats(
                new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd" },
                new NumberingFormat { NumberFormatId = 165, FormatCode = "yyyy-mm-dd hh:mm" }),
            new Fonts(new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }), new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" })),
            fills,
            new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder()), thin),
            new CellStyleFormats(new CellFormat()),
            formats);
    }

    private static Fill Solid(string argb) =>
        new(new PatternFill(new ForegroundColor { Rgb = HexBinaryValue.FromString(argb) }, new BackgroundColor { Indexed = 64 }) { PatternType = PatternValues.Solid });
}

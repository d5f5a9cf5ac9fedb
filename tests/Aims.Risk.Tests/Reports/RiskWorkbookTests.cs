using Aims.Risk.Cli.Reports;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Reports;
using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;
using MiniExcelLibs;

namespace Aims.Risk.Tests.Reports;

/// <summary>What the register may hold that a workbook cannot: control characters, text longer than a cell.</summary>
public sealed class RiskWorkbookTests
{
    [Fact]
    public void Text_a_cell_cannot_hold_is_made_valid_and_cut_with_a_note()
    {
        var control = SheetWriter.Fit("a\u0001b\u0008c\td\ud83d\ude00");
        var lone = SheetWriter.Fit("x\ud800y");
        var cut = SheetWriter.Fit(new string('z', 40_000));

        Assert.Equal("a\uFFFDb\uFFFDc\td\ud83d\ude00", control);
        Assert.Equal("x\uFFFDy", lone);
        Assert.True(cut.Length <= SheetWriter.MaxCellText, $"{cut.Length}");
        Assert.EndsWith("more characters", cut, StringComparison.Ordinal);
        Assert.Contains("7,313 more", cut, StringComparison.Ordinal);
        Assert.Equal("plain <&> text ", SheetWriter.Fit("plain <&> text "));
    }

    [Fact]
    public void Register_strings_with_markup_and_control_characters_round_trip_through_a_reader()
    {
        var rules = RuleSetLoader.Load(RepositoryRoot.Rules);
        var risk = RiskReportTests.Risk("sys <&>\"", "SEC-001", 3, 3) with { Title = "  <b>bold</b> & \u0001 ", Owner = "o'wner\u001f" };
        using var stream = new MemoryStream();

        RiskWorkbook.Write(RiskReport.Create([risk], rules, null, SampleEvents.Now), [], stream);

        stream.Position = 0;
        var row = MiniExcel.Query(stream, useHeaderRow: true, sheetName: "Risks").Cast<IDictionary<string, object?>>().Single();
        Assert.Equal("sys <&>\"", row["System"]);
        Assert.Equal("  <b>bold</b> & \uFFFD ", row["Title"]);
        Assert.Equal("o'wner\uFFFD", row["Owner"]);
        Assert.Equal(risk.RiskId.ToString(), row["Risk id"]);
    }
}

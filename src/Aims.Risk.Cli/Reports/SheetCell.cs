namespace Aims.Risk.Cli.Reports;

/// <summary>A cell to write: text, a number (dates are numbers with a date style), or nothing; with a style of <see cref="WorkbookStyles"/>.</summary>
internal readonly record struct SheetCell(SheetCellKind Kind, string? Text, double Number, uint Style)
{
    public static readonly SheetCell Empty;

    public static SheetCell Of(string? text, uint style = WorkbookStyles.Default) =>
        text is null ? new(SheetCellKind.Empty, null, 0, style) : new(SheetCellKind.Text, text, 0, style);

    public static SheetCell Real(double number, uint style = WorkbookStyles.Default) => new(SheetCellKind.Number, null, number, style);

    public static SheetCell Of(int? number, uint style = WorkbookStyles.Default) =>
        number is { } n ? Real(n, style) : new(SheetCellKind.Empty, null, 0, style);

    /// <summary>A UTC date-time as Excel's serial number, shown by <paramref name="style"/>.</summary>
    public static SheetCell Of(DateTimeOffset? value, uint style = WorkbookStyles.DateTime) =>
        value is { } v ? Real(v.UtcDateTime.ToOADate(), style) : new(SheetCellKind.Empty, null, 0, Default(style));

    public static SheetCell Header(string text) => Of(text, WorkbookStyles.Header);

    private static uint Default(uint style) => style is WorkbookStyles.Date or WorkbookStyles.DateTime ? WorkbookStyles.Default : style;
}

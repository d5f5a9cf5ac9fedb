namespace Aims.Risk.Cli.Reports;

internal enum SheetCellKind
{
    Empty,
    Text,
    Number,
}

using Aims.Risk.Core.Storage;

namespace Aims.Risk.Cli.Commands;

/// <summary>
/// Rows of the register this version cannot read, reported one line each on the error stream while the readable ones are
/// printed; the command then ends with a count and a non-zero exit code, since its output is incomplete.
/// </summary>
internal sealed class UnreadableRows(TextWriter error)
{
    public int Count { get; private set; }

    public void Report(UnreadableRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Count++;
        error.WriteLine($"warning: {row.Table} row {row.Key} left out: {row.Problem} (written by a newer version of aims-risk, or changed by hand)");
    }

    /// <returns>The exit code: success when every row was read.</returns>
    public int Finish()
    {
        if (Count == 0)
        {
            return AimsRiskCli.Success;
        }

        error.WriteLine($"error: {Count} row(s) of the register could not be read and are not shown (see the warnings above)");
        return AimsRiskCli.Invalid;
    }
}

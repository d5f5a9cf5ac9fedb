namespace Aims.Risk.Core.Rules;

/// <summary>
/// The characters of rationale one event's findings may still produce. Each rationale is capped on its own
/// (<see cref="RationaleTemplate.MaxRenderedChars"/>); this caps their sum, so many rules firing on one event cannot
/// multiply its text into megabytes of register rows and task messages.
/// </summary>
public sealed class RationaleBudget(int chars)
{
    /// <summary>The default per event: far above what the shipped pack writes (a few kilobytes).</summary>
    public const int DefaultChars = 256 * 1024;

    public int Remaining { get; private set; } = chars;

    internal void Spend(int chars) => Remaining = Math.Max(0, Remaining - chars);
}

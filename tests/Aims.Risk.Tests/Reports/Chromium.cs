namespace Aims.Risk.Tests.Reports;

/// <summary>
/// The browser the report is tested in: Debian's <c>chromium</c> (<c>tests/run.sh</c> installs it), or the executable
/// named by <c>AIMS_RISK_CHROMIUM</c>. Playwright drives it; its own browser downloads are not used.
/// </summary>
public static class Chromium
{
    public const string Variable = "AIMS_RISK_CHROMIUM";

    public static string? Executable { get; } = Find();

    public static string SkipReason =>
        $"no Chromium: install Debian's chromium (tests/run.sh does, as root or through sudo) or set {Variable} to a Chromium executable";

    private static string? Find()
    {
        var candidates = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named
            ? [named]
            : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" };
        return candidates.FirstOrDefault(File.Exists);
    }
}

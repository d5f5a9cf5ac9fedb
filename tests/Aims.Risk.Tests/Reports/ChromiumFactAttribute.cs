namespace Aims.Risk.Tests.Reports;

/// <summary>A test that needs a real browser: skipped, with the reason, where <see cref="Chromium"/> finds none.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Executable is null)
        {
            Skip = Chromium.SkipReason;
        }
    }
}

using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Reports;

/// <summary>
/// Where tests leave files for people and CI to look at (the report's screenshot, PDF and workbook):
/// <c>AIMS_RISK_TEST_RESULTS</c>, as for tests/run.sh's TRX files, else tests/TestResults.
/// </summary>
public static class TestArtifacts
{
    public static string Folder
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("AIMS_RISK_TEST_RESULTS") is { Length: > 0 } named
                ? named
                : Path.Combine(RepositoryRoot.Path, "tests", "TestResults");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }
}

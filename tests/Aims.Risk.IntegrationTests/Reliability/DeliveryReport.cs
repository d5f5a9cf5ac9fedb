using System.Globalization;
using Aims.Risk.TestSupport;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// The figures of one reliability scenario. Duplicated counts extra Assessments rows and extra RiskEntries of one
/// (event, rule); lost counts events without an assessment; tasks that arrived more than once are at-least-once
/// delivery at work (a redelivered event republishes the same task ids) and are reported, not failed.
/// </summary>
public sealed record DeliveryReport(
    string Scenario,
    int Sent,
    int Assessed,
    int Duplicated,
    int Lost,
    int WrongEntries,
    uint ErrorQueued,
    uint LeftInQueue,
    int TasksExpected,
    int TasksMissing,
    int TaskRedeliveries,
    TimeSpan Elapsed,
    string Notes)
{
    public bool NothingLostNothingDuplicated =>
        Assessed == Sent && Duplicated == 0 && Lost == 0 && WrongEntries == 0 && ErrorQueued == 0 && LeftInQueue == 0 && TasksMissing == 0;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Scenario}: sent {Sent}, assessed {Assessed}, duplicated {Duplicated}, lost {Lost}, wrong entries {WrongEntries}, "
        + $"error-queued {ErrorQueued}, left in queue {LeftInQueue}; tasks expected {TasksExpected}, missing {TasksMissing}, "
        + $"arrived more than once {TaskRedeliveries}; {Elapsed.TotalSeconds:F1} s; {Notes}");

    /// <summary>Writes the line to the test output and appends it to reliability-figures.txt beside the TRX files.</summary>
    public void Publish(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(ToString());
        var folder = Environment.GetEnvironmentVariable("AIMS_RISK_TEST_RESULTS") is { Length: > 0 } results
            ? results
            : Path.Combine(RepositoryRoot.Path, "tests", "TestResults");
        Directory.CreateDirectory(folder);
        File.AppendAllText(Path.Combine(folder, "reliability-figures.txt"), $"{DateTime.UtcNow:O} {this}{Environment.NewLine}");
    }
}

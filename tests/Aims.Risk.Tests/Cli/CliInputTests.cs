using System.Diagnostics;
using Aims.Risk.Cli;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Cli;

/// <summary>
/// The command line reads only what it should: no endless walk through a folder that links to itself, a size check
/// before any read (FIFOs and devices refused unopened), and no database created by reading the register. The waits
/// are guards against a hang, not timings.
/// </summary>
public sealed class CliInputTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"aims-risk-cli-{Guid.NewGuid():N}");

    public CliInputTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Event(string name)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, SampleEvents.ValidJson);
        return path;
    }

    [Fact]
    public async Task Assess_walks_a_folder_that_links_to_itself_once()
    {
        Event(Path.Combine("events", "one.json"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "events", "loop"), Path.Combine(_folder, "events"));

        var (code, output, error) = await CliRunner.Run("assess", Path.Combine(_folder, "events")).WaitAsync(HangGuard);

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Single(output.Split('\n'), l => l.Contains("(event 0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f)", StringComparison.Ordinal));
        Assert.Empty(error);
    }

    [Fact]
    public async Task Assess_refuses_a_fifo_and_a_device_unopened_and_a_huge_file_by_its_size()
    {
        var fifo = Path.Combine(_folder, "fifo.json");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var huge = Path.Combine(_folder, "huge.json");
        using (var file = File.Create(huge))
        {
            file.SetLength(2L * 1024 * 1024);
        }

        var (code, _, error) = await CliRunner.Run("assess", fifo, "/dev/zero", huge, Event("good.json")).WaitAsync(HangGuard);

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains($"{fifo}: is empty, or not a regular file", error, StringComparison.Ordinal);
        Assert.Contains("/dev/zero: is empty, or not a regular file", error, StringComparison.Ordinal);
        Assert.Contains($"{huge}: is 2097152 bytes; the limit is 1024 KiB", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_on_a_missing_database_says_so_and_creates_nothing()
    {
        var database = Path.Combine(_folder, "missing", "..", "no-such-register.db");

        var (code, _, error) = await CliRunner.RunWith(new Dictionary<string, string?> { ["ConnectionStrings:RiskRegister"] = $"Data Source={database}" }, "register");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains($"the register database '{database}' does not exist (ConnectionStrings:RiskRegister); nothing was created", error, StringComparison.Ordinal);
        Assert.False(File.Exists(database));
        Assert.Empty(Directory.GetFiles(_folder));
    }
}

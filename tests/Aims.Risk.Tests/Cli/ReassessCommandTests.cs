using Aims.Risk.Cli;
using Aims.Risk.Core.Storage;
using Microsoft.Data.Sqlite;
using Polly;

namespace Aims.Risk.Tests.Cli;

/// <summary><c>reassess</c>: the command line asks through the register; a worker claims the run.</summary>
public sealed class ReassessCommandTests : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-reassess-cli-{Guid.NewGuid():N}.db");
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        _settings = new() { ["ConnectionStrings:RiskRegister"] = $"Data Source={_database}" };
        var (code, _, error) = await CliRunner.RunWith(_settings, "db", "migrate");
        Assert.True(code == 0, error);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_database);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Reassess_of_one_system_writes_a_run_a_worker_can_claim_and_list_shows_it()
    {
        var (code, output, _) = await CliRunner.RunWith(_settings, "reassess", "--system", "credit-scoring");
        var (listed, list, _) = await CliRunner.RunWith(_settings, "reassess", "--list");

        Assert.Equal(AimsRiskCli.Success, code);
        var runId = Guid.Parse(output.Split(' ')[3]);
        var register = new SqliteRiskRegister($"Data Source={_database}", ResiliencePipeline.Empty);
        var claimed = await register.ClaimReassessmentAsync(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(-5), default);
        Assert.Equal((runId, ReassessmentRun.OnDemand, "credit-scoring"), (claimed!.RunId, claimed.Reason, claimed.SystemId));
        Assert.Null(await register.ClaimReassessmentAsync(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(-5), default));
        Assert.Equal(AimsRiskCli.Success, listed);
        Assert.Contains(runId.ToString(), list, StringComparison.Ordinal);
        Assert.Contains("credit-scoring", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_requests_on_demand_are_two_runs()
    {
        _ = await CliRunner.RunWith(_settings, "reassess");
        _ = await CliRunner.RunWith(_settings, "reassess");

        var runs = await new SqliteRiskRegister($"Data Source={_database}", ResiliencePipeline.Empty).ReadReassessmentsAsync(false, 10, default);
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Null(r.SystemId));
    }
}

using System.Text.Json;
using Aims.Risk.Cli;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Aims.Risk.Tests.Cli;

public sealed class RegisterCommandTests : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-cli-{Guid.NewGuid():N}.db");
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        _settings = new() { ["ConnectionStrings:RiskRegister"] = $"Data Source={_database}" };
        var (code, output, error) = await CliRunner.RunWith(_settings, "db", "migrate");
        Assert.True(code == 0, error);
        Assert.Contains("schema up to date (Sqlite)", output, StringComparison.Ordinal);

        var register = new SqliteRiskRegister($"Data Source={_database}", ResiliencePipeline.Empty, NullLogger<SqliteRiskRegister>.Instance);
        await register.RecordAsync(Assessment("credit-scoring", ("PRIV-001", RiskLevel.High, "Personal data, \"quoted\", with a comma"), ("ETH-003", RiskLevel.Low, "=HYPERLINK(\"x\")")), default);
        await register.RecordAsync(Assessment("chatbot", ("SEC-002", RiskLevel.Critical, "Unsigned artifact")), default);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_database);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Db_migrate_is_harmless_when_run_again()
    {
        var (code, output, _) = await CliRunner.RunWith(_settings, "db", "migrate");

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.Contains("schema up to date", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_table_lists_every_entry()
    {
        var (code, output, _) = await CliRunner.RunWith(_settings, "register");

        Assert.Equal(AimsRiskCli.Success, code);
        Assert.StartsWith("3 entries", output, StringComparison.Ordinal);
        Assert.Matches(@"credit-scoring\s+PRIV-001\s+High", output);
    }

    [Fact]
    public async Task Register_filters_by_system_and_minimum_level()
    {
        var (_, bySystem, _) = await CliRunner.RunWith(_settings, "register", "--system", "credit-scoring", "--format", "json");
        var (_, byLevel, _) = await CliRunner.RunWith(_settings, "register", "--level", "High", "--format", "json");

        Assert.Equal(["ETH-003", "PRIV-001"], RuleIds(bySystem).Order());
        Assert.Equal(["PRIV-001", "SEC-002"], RuleIds(byLevel).Order());
    }

    [Fact]
    public async Task Register_csv_quotes_fields_and_neutralises_formulas()
    {
        var (code, output, _) = await CliRunner.RunWith(_settings, "register", "--format", "csv", "--system", "credit-scoring");

        Assert.Equal(AimsRiskCli.Success, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith("createdAt,eventId,systemId,ruleId", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"Personal data, \"\"quoted\"\", with a comma\"", output, StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_with_a_bad_provider_exits_1_naming_the_key()
    {
        var (code, _, error) = await CliRunner.RunWith(new Dictionary<string, string?>(_settings) { ["Storage:Provider"] = "Oracle" }, "register");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains("Storage:Provider", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_on_sql_server_without_a_connection_string_exits_1_naming_the_key()
    {
        var (code, _, error) = await CliRunner.RunWith(new Dictionary<string, string?> { ["Storage:Provider"] = "SqlServer" }, "register");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Contains("ConnectionStrings:RiskRegister", error, StringComparison.Ordinal);
    }

    private static List<string> RuleIds(string json) =>
        [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.GetProperty("ruleId").GetString()!)];

    private static AssessmentRecord Assessment(string systemId, params (string RuleId, RiskLevel Level, string Title)[] findings)
    {
        var eventId = Guid.NewGuid();
        return new AssessmentRecord
        {
            EventId = eventId,
            SystemId = systemId,
            ChangeType = nameof(ChangeType.ModelDeployed),
            OccurredAt = SampleEvents.Now,
            AssessedAt = SampleEvents.Now,
            RuleSetVersion = "1.0.0",
            RuleSetHash = new string('a', 64),
            Payload = "{}",
            Entries = [.. findings.Select(f => new RiskEntryRecord
            {
                Id = Guid.NewGuid(),
                EventId = eventId,
                RiskId = RiskIds.For(systemId, f.RuleId),
                SystemId = systemId,
                RuleId = f.RuleId,
                Category = "privacy",
                Title = f.Title,
                Rationale = "because",
                Likelihood = 3,
                Impact = 3,
                Score = 9,
                Level = f.Level,
                Treatment = Treatment.Mitigate,
                Controls = ["A.7.2"],
                Status = RiskEntryStatus.TreatmentRequested,
                TaskId = Guid.NewGuid(),
                DueBy = SampleEvents.Now.AddDays(30),
                RuleSetVersion = "1.0.0",
                RuleSetHash = new string('a', 64),
                CreatedAt = SampleEvents.Now,
            })],
        };
    }

    [Fact]
    public async Task Rows_with_values_this_version_does_not_know_are_reported_one_by_one_and_the_rest_is_shown()
    {
        // As a newer version might write them: a level and a status this one has no name for.
        await using (var connection = new SqliteConnection($"Data Source={_database}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE RiskEntries SET Level = 'Extreme' WHERE RuleId = 'SEC-002';
                UPDATE Risks SET Status = 'Escalated' WHERE RuleId = 'ETH-003';
                """;
            _ = await command.ExecuteNonQueryAsync();
        }

        var (code, output, error) = await CliRunner.RunWith(_settings, "register", "--format", "json");
        var (risksCode, risks, risksError) = await CliRunner.RunWith(_settings, "risks", "--format", "json");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Equal(["ETH-003", "PRIV-001"], RuleIds(output).Order());
        Assert.Single(error.Split('\n'), line => line.StartsWith("warning: RiskEntries row ", StringComparison.Ordinal) && line.Contains("'Extreme' is not a RiskLevel name", StringComparison.Ordinal));
        Assert.Contains("error: 1 row(s) of the register could not be read", error, StringComparison.Ordinal);
        Assert.Equal(AimsRiskCli.Invalid, risksCode);
        Assert.Equal(["PRIV-001", "SEC-002"], RuleIds(risks).Order());
        Assert.Contains("warning: Risks row ", risksError, StringComparison.Ordinal);
        Assert.Contains("'Escalated' is not a RiskStatus name", risksError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + risksError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_that_cannot_report_rows_one_by_one_ends_in_one_line()
    {
        await using (var connection = new SqliteConnection($"Data Source={_database}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE Risks SET Status = 'Escalated' WHERE RuleId = 'ETH-003';";
            _ = await command.ExecuteNonQueryAsync();
        }

        var (code, _, error) = await CliRunner.RunWith(_settings, "soa");

        Assert.Equal(AimsRiskCli.Invalid, code);
        Assert.Equal("error: 'Escalated' is not a RiskStatus name", error.Trim());
    }
}

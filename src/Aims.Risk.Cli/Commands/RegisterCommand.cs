using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Aims.Risk.Cli.Commands;

/// <summary><c>register</c>: reads the risk register from the configured store, for auditors and risk owners.</summary>
internal static class RegisterCommand
{
    private static readonly string[] Columns =
        ["createdAt", "eventId", "systemId", "ruleId", "category", "level", "score", "likelihood", "impact", "treatment", "status", "taskId", "dueBy", "ruleSetVersion", "ruleSetHash", "controls", "title", "rationale"];

    private static readonly JsonSerializerOptions JsonOutput = new(ContractJson.Options) { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var system = new Option<string?>("--system") { Description = "Only this AI system's entries", HelpName = "ID" };
        var level = new Option<RiskLevel?>("--level") { Description = "Only entries at or above this level (Low, Medium, High, Critical)", HelpName = "LEVEL" };
        var limit = new Option<int>("--limit") { Description = "At most this many entries", DefaultValueFactory = _ => 10_000 };
        var command = new Command("register", "Read the risk register (the store of Storage:Provider and ConnectionStrings:RiskRegister)") { format, system, level, limit };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (MissingSqliteFile(context) is { } missing)
            {
                context.Error.WriteLine($"the register database '{missing}' does not exist (ConnectionStrings:RiskRegister); nothing was created");
                return AimsRiskCli.Invalid;
            }

            using var services = context.CreateStorage();
            var unreadable = new UnreadableRows(context.Error);
            var entries = await services.Register.QueryEntriesAsync(
                new RegisterQuery { SystemId = result.GetValue(system), MinimumLevel = result.GetValue(level), Limit = result.GetValue(limit), OnUnreadableRow = unreadable.Report },
                cancellationToken);
            Write(context.Output, result.GetValue(format)!, entries);
            return unreadable.Finish();
        });
        return command;
    }

    /// <summary>
    /// The SQLite file a read would create (SQLite creates a missing file on open), or null: reading the register must
    /// never leave an empty database behind a mistyped path.
    /// </summary>
    private static string? MissingSqliteFile(CliContext context)
    {
        var provider = context.Configuration["Storage:Provider"];
        if (provider is not null && !string.Equals(provider, nameof(StorageProvider.Sqlite), StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var builder = new SqliteConnectionStringBuilder(context.Configuration.GetConnectionString(StorageExtensions.ConnectionStringName) ?? StorageExtensions.DefaultSqliteConnectionString);
        var file = builder.DataSource;
        return file.Length == 0 || file == ":memory:" || builder.Mode == SqliteOpenMode.Memory || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || File.Exists(file)
            ? null
            : file;
    }

    private static void Write(TextWriter output, string format, IReadOnlyList<RiskEntryRecord> entries)
    {
        switch (format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(entries, JsonOutput));
                break;
            case "csv":
                output.WriteLine(string.Join(',', Columns));
                foreach (var entry in entries)
                {
                    output.WriteLine(CsvText.Row(Values(entry)));
                }

                break;
            default:
                output.WriteLine($"{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}");
                TextTable.Write(
                    output,
                    ["CREATED (UTC)", "SYSTEM", "RULE", "LEVEL", "SCORE", "STATUS", "DUE", "TITLE"],
                    entries.Select(e => new[] { e.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), e.SystemId, e.RuleId, e.Level.ToString(), e.Score.ToString(CultureInfo.InvariantCulture), e.Status.ToString(), e.DueBy?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-", e.Title }));
                break;
        }
    }

    private static string[] Values(RiskEntryRecord e) =>
    [
        e.CreatedAt.ToString("O", CultureInfo.InvariantCulture), e.EventId.ToString(), e.SystemId, e.RuleId, e.Category, e.Level.ToString(),
        e.Score.ToString(CultureInfo.InvariantCulture), e.Likelihood.ToString(CultureInfo.InvariantCulture), e.Impact.ToString(CultureInfo.InvariantCulture),
        e.Treatment.ToString(), e.Status.ToString(), e.TaskId?.ToString() ?? "", e.DueBy?.ToString("O", CultureInfo.InvariantCulture) ?? "",
        e.RuleSetVersion, e.RuleSetHash, string.Join(' ', e.Controls), e.Title, e.Rationale,
    ];
}

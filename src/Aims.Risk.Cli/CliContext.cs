using System.CommandLine;
using System.Globalization;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Aims.Risk.Cli;

/// <summary>What every command needs: where to write, the configuration (same keys as the worker) and the clock.</summary>
internal sealed record CliContext(TextWriter Output, TextWriter Error, IConfiguration Configuration, TimeProvider Clock)
{
    /// <summary>The rule set folder: <c>--rules</c>, else <c>Rules:Path</c> (env <c>Rules__Path</c>), else <c>rules</c>.</summary>
    public static Option<string?> RulesOption() => new("--rules")
    {
        Description = "The rule set folder (default: the Rules:Path setting, else ./rules)",
        HelpName = "DIR",
    };

    public string RulesPath(ParseResult result, Option<string?> option) =>
        result.GetValue(option) ?? Configuration["Rules:Path"] ?? "rules";

    /// <summary><c>Rules:MaxRules</c> as the worker reads it; null (after saying why) when it is not a valid number.</summary>
    public int? MaxRules()
    {
        var key = $"{RulesOptions.SectionName}:{nameof(RulesOptions.MaxRules)}";
        if (Configuration[key] is not { } text)
        {
            return RulesOptions.DefaultMaxRules;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 100_000)
        {
            return value;
        }

        Error.WriteLine($"{key} must be from 1 to 100000, not '{text}'");
        return null;
    }

    /// <summary><c>--register</c>: a connection string for the configured <c>Storage:Provider</c>, in place of <c>ConnectionStrings:RiskRegister</c>.</summary>
    public static Option<string?> RegisterOption() => new("--register")
    {
        Description = "The register's connection string (default: the ConnectionStrings:RiskRegister setting)",
        HelpName = "CONNECTION",
    };

    /// <summary>Whether a register is named, on the command line or in the settings (the default SQLite file is not assumed).</summary>
    public bool HasRegister(string? connectionString) =>
        !string.IsNullOrWhiteSpace(connectionString) || !string.IsNullOrWhiteSpace(Configuration["ConnectionStrings:RiskRegister"]);

    /// <summary>The configured register; a bad setting throws an options error naming the key.</summary>
    public CliStorage CreateStorage(string? connectionString = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(Configuration);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:RiskRegister", connectionString)]);
        }

        builder.AddRiskRegister();
        return new CliStorage(builder.Build());
    }
}

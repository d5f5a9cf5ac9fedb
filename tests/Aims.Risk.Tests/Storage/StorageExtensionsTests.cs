using Aims.Risk.Core.Storage;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.Registry;

namespace Aims.Risk.Tests.Storage;

public sealed class StorageExtensionsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("aims-risk-di-").FullName;

    [Fact]
    public void Default_configuration_registers_sqlite_on_aims_risk_db_in_the_working_directory()
    {
        using var host = Build().Build();

        var register = Assert.IsType<SqliteRiskRegister>(host.Services.GetRequiredService<IRiskRegister>());

        Assert.Equal("aims-risk.db", new SqliteConnectionStringBuilder(register.ConnectionString).DataSource);
    }

    [Fact]
    public void Sql_server_provider_registers_the_sql_server_register()
    {
        using var host = Build(
            ("Storage:Provider", "SqlServer"),
            ("ConnectionStrings:RiskRegister", "Server=db.example;Database=AimsRisk;User Id=aims;Password=x;Encrypt=true")).Build();

        var register = Assert.IsType<SqlServerRiskRegister>(host.Services.GetRequiredService<IRiskRegister>());

        Assert.Contains("db.example", register.ConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_server_without_a_connection_string_stops_start_up_naming_the_key()
    {
        using var host = Build(("Storage:Provider", "SqlServer")).Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("ConnectionStrings:RiskRegister", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("7")]
    public async Task Unknown_provider_stops_start_up_naming_the_key(string provider)
    {
        using var host = Build(("Storage:Provider", provider), ("ConnectionStrings:RiskRegister", SqliteFile())).Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "register.db")));
    }

    [Fact]
    public async Task Start_up_applies_the_schema_when_migrate_on_start_is_on()
    {
        using var host = Build(("ConnectionStrings:RiskRegister", SqliteFile())).Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(3, await CountTablesAsync());
    }

    [Fact]
    public async Task Start_up_leaves_the_schema_alone_when_migrate_on_start_is_off()
    {
        using var host = Build(("ConnectionStrings:RiskRegister", SqliteFile()), ("Storage:MigrateOnStart", "false")).Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(0, await CountTablesAsync());
    }

    [Fact]
    public void Registers_the_named_sql_pipeline_and_keeps_a_time_provider_already_registered()
    {
        var fake = new FakeTimeProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(fake);
        builder.AddRiskRegister();
        using var host = builder.Build();

        Assert.NotNull(host.Services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(SqlResilience.PipelineName));
        Assert.Same(fake, host.Services.GetRequiredService<TimeProvider>());
        Assert.Same(TimeProvider.System, Build().Build().Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Options_bind_from_the_storage_section()
    {
        using var host = Build(("Storage:Provider", "Sqlite"), ("Storage:MigrateOnStart", "false")).Build();

        var options = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;

        Assert.Equal((StorageProvider.Sqlite, false), (options.Provider, options.MigrateOnStart));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static HostApplicationBuilder Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddRiskRegister();
        return builder;
    }

    private string SqliteFile() => $"Data Source={Path.Combine(folder, "register.db")}";

    private async Task<long> CountTablesAsync()
    {
        await using var connection = new SqliteConnection(SqliteFile());
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('Assessments', 'RiskEntries', 'RuleSetVersions')");
    }
}

using Aims.Risk.Core;
using Aims.Risk.Core.Consumers;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Tests.Storage;

/// <summary>On SQL Server the connection pool must hold every message processed at once.</summary>
public sealed class ConnectionPoolValidationTests
{
    private const string SqlServer = "Server=db.example;Database=AimsRisk;User Id=aims;Password=x;Encrypt=true";

    [Fact]
    public async Task The_default_pool_below_the_default_limit_stops_start_up_naming_both_keys()
    {
        using var host = Worker(("Storage:Provider", "SqlServer"), ("ConnectionStrings:RiskRegister", SqlServer));

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Max Pool Size in ConnectionStrings:RiskRegister is 100", error.Message, StringComparison.Ordinal);
        Assert.Contains("Worker:ConcurrentMessageLimit (128)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("16", "16", true)]
    [InlineData("16", "17", false)]
    [InlineData("150", "128", true)]
    public void The_pool_must_be_at_least_the_limit(string maxPoolSize, string limit, bool valid)
    {
        using var host = Worker(
            ("Storage:Provider", "SqlServer"),
            ("ConnectionStrings:RiskRegister", $"{SqlServer};Max Pool Size={maxPoolSize}"),
            ("Worker:ConcurrentMessageLimit", limit));

        var error = Record.Exception(() => host.Services.GetRequiredService<IOptions<RiskWorkerOptions>>().Value);

        Assert.Equal(valid, error is null);
        Assert.True(valid || error is OptionsValidationException { Message: var m } && m.Contains("Worker:ConcurrentMessageLimit", StringComparison.Ordinal), error?.Message);
    }

    [Theory]
    [InlineData("SqlServer", SqlServer + ";Pooling=false")]
    [InlineData("Sqlite", "Data Source=:memory:")]
    public void Without_a_sql_server_pool_there_is_nothing_to_check(string provider, string connectionString)
    {
        using var host = Worker(("Storage:Provider", provider), ("ConnectionStrings:RiskRegister", connectionString));

        Assert.Equal(128, host.Services.GetRequiredService<IOptions<RiskWorkerOptions>>().Value.ConcurrentMessageLimit);
    }

    private static IHost Worker(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)).Append(KeyValuePair.Create("Rules:Path", (string?)RepositoryRoot.Rules)));
        builder.AddRiskAssessment();
        return builder.Build();
    }
}

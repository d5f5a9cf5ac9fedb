using Aims.Risk.Core;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Tests.Consumers;

/// <summary>A bad setting stops start-up with a message naming the key, before anything connects.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Worker:PrefetchCount", "0", "Worker:PrefetchCount must be from 1 to 10000")]
    [InlineData("Worker:ConcurrentMessageLimit", "5000", "Worker:ConcurrentMessageLimit must be from 1 to 1000")]
    [InlineData("Worker:MaxMessageBytes", "10", "Worker:MaxMessageBytes must be from 1024")]
    [InlineData("Worker:RetryLimit", "-1", "Worker:RetryLimit must be from 0 to 100")]
    [InlineData("RabbitMq:Port", "70000", "RabbitMq:Port must be from 1 to 65535")]
    [InlineData("RabbitMq:Host", "", "RabbitMq:Host is required")]
    [InlineData("Rules:Path", "/no/such/rules", "Rules:Path must name an existing rule set folder")]
    [InlineData("Rules:ReloadDelay", "01:00:00", "Rules:ReloadDelay must be from")]
    [InlineData("Storage:Provider", "Oracle", "Storage:Provider")]
    [InlineData("RabbitMq:Port", "amqp", "RabbitMq:Port")]
    public async Task Bad_setting_stops_start_up_naming_the_key(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:Path"] = RepositoryRoot.Rules,
            ["ConnectionStrings:RiskRegister"] = "Data Source=:memory:",
            [key] = value,
        });
        builder.AddRiskAssessment();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.True(ex is OptionsValidationException or InvalidOperationException, ex.ToString());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}

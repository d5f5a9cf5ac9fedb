using Aims.Risk.Core;
using Aims.Risk.Core.Storage;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>The real worker (the same registrations as Program.cs) against the test broker and a temporary SQLite file.</summary>
public sealed class WorkerHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _database;

    private WorkerHost(IHost host, string database)
    {
        _host = host;
        _database = database;
    }

    public IRiskRegister Register => _host.Services.GetRequiredService<IRiskRegister>();

    public IServiceProvider Services => _host.Services;

    public static async Task<WorkerHost> StartAsync(RabbitMqFixture broker, IDictionary<string, string?>? settings = null)
    {
        var database = Path.Combine(Path.GetTempPath(), $"aims-risk-worker-{Guid.NewGuid():N}.db");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RiskRegister"] = $"Data Source={database}",
            ["RabbitMq:Host"] = broker.Host,
            ["RabbitMq:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq:Username"] = broker.Username,
            ["RabbitMq:Password"] = broker.Password,
            ["RabbitMq:VirtualHost"] = broker.VirtualHost,
            ["Rules:Path"] = RepositoryRoot.Rules,
            ["Rules:Watch"] = "false",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddRiskAssessment();
        var host = builder.Build();
        await host.StartAsync();
        return new WorkerHost(host, database);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// Applies pending schema scripts while the host is starting, before any hosted service's StartAsync
/// (so before consumers can receive a message that needs the tables).
/// </summary>
internal sealed partial class RiskRegisterMigrationService(
    IRiskRegister register,
    IOptions<StorageOptions> options,
    ILogger<RiskRegisterMigrationService> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var storage = options.Value;
        if (!storage.MigrateOnStart)
        {
            LogMigrationSkipped(logger);
            return;
        }

        await register.MigrateAsync(cancellationToken);
        LogMigrated(logger, storage.Provider);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Risk register schema is up to date ({Provider})")]
    private static partial void LogMigrated(ILogger logger, StorageProvider provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage:MigrateOnStart is false: schema scripts are not applied at start-up")]
    private static partial void LogMigrationSkipped(ILogger logger);
}

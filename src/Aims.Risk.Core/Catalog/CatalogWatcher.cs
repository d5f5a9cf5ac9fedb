using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Catalog;

/// <summary>
/// Loads the catalogue at start-up (the host does not start with a configured but invalid file) and, when
/// <see cref="CatalogOptions.Watch"/> is on, reloads it after the file has been quiet for <see cref="CatalogOptions.ReloadDelay"/>.
/// </summary>
public sealed partial class CatalogWatcher(
    CatalogProvider provider,
    IOptions<CatalogOptions> options,
    ILogger<CatalogWatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private FileSystemWatcher? _watcher;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (provider.Path is not { } path)
        {
            return;
        }

        if (!provider.TryLoad())
        {
            throw new InvalidOperationException($"the system catalogue '{path}' (Catalog:Path) was refused: {string.Join("; ", provider.LastRefusal ?? [])}");
        }

        if (options.Value.Watch)
        {
            // The folder, not the file: deployments and editors replace the file (rename, delete and create).
            var full = System.IO.Path.GetFullPath(path);
            _watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(full)!, System.IO.Path.GetFileName(full))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Changed += OnChanged;
            _watcher.Created += OnChanged;
            _watcher.Deleted += OnChanged;
            _watcher.Renamed += OnChanged;
            _watcher.Error += (_, e) => LogWatchError(e.GetException());
            _watcher.EnableRaisingEvents = true;
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await _changed.WaitAsync(stoppingToken);
            while (await _changed.WaitAsync(options.Value.ReloadDelay, stoppingToken))
            {
            }

            LogReloading(provider.Path ?? "");
            provider.TryLoad();
        }
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _changed.Dispose();
        base.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => _changed.Release();

    [LoggerMessage(Level = LogLevel.Information, Message = "System catalogue {Path} changed; validating it")]
    private partial void LogReloading(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching the system catalogue failed; changes may be missed until restart")]
    private partial void LogWatchError(Exception exception);
}

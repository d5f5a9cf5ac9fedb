using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Activates the rule set at start-up (the host does not start without a valid one) and, when
/// <see cref="RulesOptions.Watch"/> is on, reloads it after the folder has been quiet for
/// <see cref="RulesOptions.ReloadDelay"/>.
/// </summary>
public sealed partial class RuleSetWatcher(
    RuleSetProvider provider,
    IOptions<RulesOptions> options,
    ILogger<RuleSetWatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private FileSystemWatcher? _watcher;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await provider.TryActivateAsync(cancellationToken))
        {
            throw new InvalidOperationException(
                $"the rule set in '{options.Value.Path}' (Rules:Path) was refused: {string.Join("; ", provider.LastRefusal ?? [])}");
        }

        if (options.Value.Watch)
        {
            _watcher = new FileSystemWatcher(options.Value.Path)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
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

            // Wait for quiet: a deployment writes several files, an editor writes a file in steps.
            while (await _changed.WaitAsync(options.Value.ReloadDelay, stoppingToken))
            {
            }

            LogReloading(options.Value.Path);
            await provider.TryActivateAsync(stoppingToken);
        }
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _changed.Dispose();
        base.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => _changed.Release();

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule set folder {Path} changed; validating and testing it")]
    private partial void LogReloading(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching the rule set folder failed; changes may be missed until restart")]
    private partial void LogWatchError(Exception exception);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Activates the rule set at start-up (the host does not start without a valid one) and, when
/// <see cref="RulesOptions.Watch"/> is on, reloads it after the folder has been quiet for
/// <see cref="RulesOptions.ReloadDelay"/>. Nothing in the folder stops the host: a refused reload keeps the active
/// set; a reload that fails (the store refusing the archive of the new set) is tried again with back-off; a folder
/// deleted, or a watcher that failed, is looked for every second and watched again, and reloaded, once it is back.
/// </summary>
public sealed partial class RuleSetWatcher(
    RuleSetProvider provider,
    IOptions<RulesOptions> options,
    ILogger<RuleSetWatcher> logger) : BackgroundService
{
    /// <summary>How often a missing folder is looked for.</summary>
    public static readonly TimeSpan FolderPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The first and the longest wait before a failed reload is tried again.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private FileSystemWatcher? _watcher;
    private volatile bool _watcherFailed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await provider.TryActivateAsync(cancellationToken))
        {
            throw new InvalidOperationException(
                $"the rule set in '{options.Value.Path}' (Rules:Path) was refused: {string.Join("; ", provider.LastRefusal ?? [])}");
        }

        if (options.Value.Watch)
        {
            TryStartWatching();
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Watch)
        {
            return;
        }

        var retryDelay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (_watcherFailed)
            {
                StopWatching();
            }

            if (_watcher is null)
            {
                // No watcher: the folder is gone or watching it failed. Look for it; once it is there, watch and reload.
                await Task.Delay(FolderPollInterval, stoppingToken);
                if (!TryStartWatching())
                {
                    continue;
                }

                LogWatchingAgain(options.Value.Path);
            }
            else
            {
                await _changed.WaitAsync(stoppingToken);
            }

            // Wait for quiet: a deployment writes several files, an editor writes a file in steps.
            while (await _changed.WaitAsync(options.Value.ReloadDelay, stoppingToken))
            {
            }

            LogReloading(options.Value.Path);
            try
            {
                await provider.TryActivateAsync(stoppingToken);
                retryDelay = FirstRetryDelay;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogReloadFailed(options.Value.Path, retryDelay, ex.GetType().Name, ex.Message);
                await Task.Delay(retryDelay, stoppingToken);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
                _changed.Release();
            }

            if (!Directory.Exists(options.Value.Path))
            {
                StopWatching();
            }
        }
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _changed.Dispose();
        base.Dispose();
    }

    private bool TryStartWatching()
    {
        if (!Directory.Exists(options.Value.Path))
        {
            return false;
        }

        try
        {
            var watcher = new FileSystemWatcher(options.Value.Path)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += OnChanged;
            watcher.Created += OnChanged;
            watcher.Deleted += OnChanged;
            watcher.Renamed += OnChanged;
            watcher.Error += OnError;
            watcher.EnableRaisingEvents = true;
            _watcherFailed = false;
            _watcher = watcher;
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or FileNotFoundException)
        {
            // Deleted again between the check and the watch, or not readable: looked for again later.
            LogWatchError(ex);
            return false;
        }
    }

    private void StopWatching()
    {
        _watcher?.Dispose();
        _watcher = null;
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        // The watched folder itself deleted: a folder created later under its name is another one, watched anew.
        if (e.ChangeType == WatcherChangeTypes.Deleted && Path.TrimEndingDirectorySeparator(e.FullPath) == Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Value.Path)))
        {
            _watcherFailed = true;
        }

        _changed.Release();
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        LogWatchError(e.GetException());
        _watcherFailed = true;
        _changed.Release();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule set folder {Path} changed; validating and testing it")]
    private partial void LogReloading(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule set folder {Path} is there again; watching and reloading it")]
    private partial void LogWatchingAgain(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the rule set in {Path} failed; the active set stays, trying again in {RetryDelay}: {ErrorType}: {Reason}")]
    private partial void LogReloadFailed(string path, TimeSpan retryDelay, string errorType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching the rule set folder failed; it is watched again once it can be")]
    private partial void LogWatchError(Exception exception);
}

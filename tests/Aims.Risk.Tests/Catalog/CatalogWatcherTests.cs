using Aims.Risk.Core.Catalog;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Tests.Catalog;

public sealed class CatalogWatcherTests : IDisposable
{
    private const string Entry = """{"platformModels":["mlflow:a"],"system":{"id":"a","name":"A","owner":"OWNER"}}""";
    private readonly string _folder = Directory.CreateTempSubdirectory("aims-risk-catalog-watch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_changed_catalogue_is_reloaded_and_an_invalid_one_keeps_the_older_active()
    {
        var file = Path.Combine(_folder, "systems.json");
        await File.WriteAllTextAsync(file, Catalog("1.0.0", "first@example.com"));
        var options = Options.Create(new CatalogOptions { Path = file, ReloadDelay = TimeSpan.FromMilliseconds(100) });
        var provider = new CatalogProvider(options, NullLogger<CatalogProvider>.Instance);
        using var watcher = new CatalogWatcher(provider, options, NullLogger<CatalogWatcher>.Instance);
        await watcher.StartAsync(CancellationToken.None);
        Assert.Equal("first@example.com", provider.Current?.Find("mlflow", "a")?.System.Owner);

        // Written the way deployments do it: a new file moved over the old one.
        await ReplaceAsync(file, Catalog("1.0.1", "second@example.com"));
        await UntilAsync(() => provider.Current?.Version == "1.0.1");
        Assert.Equal("second@example.com", provider.Current?.Find("mlflow", "a")?.System.Owner);

        await ReplaceAsync(file, """{"version":"1.0.2","systems":[]}""");
        await UntilAsync(() => provider.LastRefusal is not null);
        Assert.Equal("1.0.1", provider.Current?.Version);
        Assert.Contains(provider.LastRefusal!, e => e.Contains("/systems", StringComparison.Ordinal));
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_invalid_catalogue_at_start_stops_the_start_naming_the_setting()
    {
        var file = Path.Combine(_folder, "systems.json");
        await File.WriteAllTextAsync(file, """{"version":"1.0.0"}""");
        var options = Options.Create(new CatalogOptions { Path = file });
        using var watcher = new CatalogWatcher(new CatalogProvider(options, NullLogger<CatalogProvider>.Instance), options, NullLogger<CatalogWatcher>.Instance);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => watcher.StartAsync(CancellationToken.None));

        Assert.Contains("(Catalog:Path) was refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains("systems", ex.Message, StringComparison.Ordinal);
    }

    private static string Catalog(string version, string owner) => $$"""{"version":"{{version}}","systems":[{{Entry.Replace("OWNER", owner, StringComparison.Ordinal)}}]}""";

    private static async Task ReplaceAsync(string file, string content)
    {
        var temporary = file + ".new";
        await File.WriteAllTextAsync(temporary, content);
        File.Move(temporary, file, overwrite: true);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the catalogue was not reloaded within 30 s");
    }
}

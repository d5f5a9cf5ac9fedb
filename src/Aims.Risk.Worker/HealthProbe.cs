namespace Aims.Risk.Worker;

/// <summary>
/// <c>dotnet Aims.Risk.Worker.dll --health-check [ready|live]</c>: asks the running worker's health endpoint and
/// exits 0 when it answers 200, 1 otherwise. For a container HEALTHCHECK: the runtime image has no curl or wget.
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--health-check";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = configuration.GetSection(HealthOptions.SectionName).Get<HealthOptions>() ?? new HealthOptions();
        var host = options.Address is "*" or "0.0.0.0" ? "127.0.0.1" : options.Address is "::" ? "[::1]" : options.Address.Contains(':', StringComparison.Ordinal) ? $"[{options.Address}]" : options.Address;
        var path = args is [_, "live", ..] ? HealthEndpoints.LivePath : HealthEndpoints.ReadyPath;
        var uri = new Uri($"http://{host}:{options.Port}{path}");

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync(uri);
            await Console.Out.WriteLineAsync($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{uri}: {ex.Message}");
            return 1;
        }
    }
}

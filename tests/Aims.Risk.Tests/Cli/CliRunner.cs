using Aims.Risk.Cli;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Cli;

internal static class CliRunner
{
    public static Task<(int ExitCode, string Output, string Error)> Run(params string[] args) => RunWith(new Dictionary<string, string?>(), args);

    public static Task<(int ExitCode, string Output, string Error)> RunWith(IDictionary<string, string?> settings, params string[] args) =>
        RunAt(SampleEvents.Now, settings, args);

    public static async Task<(int ExitCode, string Output, string Error)> RunAt(DateTimeOffset now, IDictionary<string, string?> settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Rules:Path"] = RepositoryRoot.Rules })
            .AddInMemoryCollection(settings)
            .Build();
        var code = await AimsRiskCli.RunAsync(args, output, error, configuration, new FakeTimeProvider(now));
        return (code, output.ToString(), error.ToString());
    }
}

using Aims.Risk.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Cli;

/// <summary>The register as the worker configures it (same keys, same validation), without starting a host.</summary>
internal sealed class CliStorage : IDisposable
{
    private readonly IHost _host;

    public CliStorage(IHost host)
    {
        _host = host;
        Provider = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
        Register = host.Services.GetRequiredService<IRiskRegister>();
    }

    public StorageProvider Provider { get; }

    public IRiskRegister Register { get; }

    public void Dispose() => _host.Dispose();
}

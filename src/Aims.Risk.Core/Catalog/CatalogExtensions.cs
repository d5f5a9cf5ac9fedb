using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Aims.Risk.Core.Catalog;

public static class CatalogExtensions
{
    /// <summary>The system catalogue of <c>Catalog:Path</c>, validated at start and reloaded when the file changes.</summary>
    public static IHostApplicationBuilder AddSystemCatalog(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.Path) || File.Exists(o.Path), $"{CatalogOptions.SectionName}:{nameof(CatalogOptions.Path)} must name an existing catalogue file")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<CatalogProvider>();
        builder.Services.AddHostedService<CatalogWatcher>();
        return builder;
    }
}

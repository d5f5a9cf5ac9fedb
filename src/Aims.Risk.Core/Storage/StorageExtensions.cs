using Aims.Risk.Core.Consumers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace Aims.Risk.Core.Storage;

public static class StorageExtensions
{
    /// <summary>Name of the connection string: configuration key <c>ConnectionStrings:RiskRegister</c>.</summary>
    public const string ConnectionStringName = "RiskRegister";

    /// <summary>Used when the provider is SQLite and no connection string is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=aims-risk.db";

    /// <summary>
    /// Registers <see cref="IRiskRegister"/> for the provider in <c>Storage:Provider</c>, the SQL resilience
    /// pipeline, and the schema migration that runs while the host starts (when <c>Storage:MigrateOnStart</c>).
    /// Bad storage configuration stops start-up with a message naming the key; where the worker's options are
    /// validated too, a SQL Server connection pool smaller than <c>Worker:ConcurrentMessageLimit</c> does as well.
    /// </summary>
    public static IHostApplicationBuilder AddRiskRegister(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(
                static options => Enum.IsDefined(options.Provider),
                $"{StorageOptions.SectionName}:{nameof(StorageOptions.Provider)} must be one of: {string.Join(", ", Enum.GetNames<StorageProvider>())}")
            .Validate<IConfiguration>(
                static (options, configuration) =>
                    options.Provider != StorageProvider.SqlServer
                    || !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName)),
                $"ConnectionStrings:{ConnectionStringName} is required when {StorageOptions.SectionName}:{nameof(StorageOptions.Provider)} is {StorageProvider.SqlServer}")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddResiliencePipeline(SqlResilience.PipelineName, static pipeline => pipeline.AddSqlRetry());
        services.TryAddSingleton(CreateRegister);
        services.TryAddSingleton<StoreWriteMonitor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RiskWorkerOptions>, ConnectionPoolValidation>());
        services.AddHostedService<RiskRegisterMigrationService>();
        return builder;
    }

    private static IRiskRegister CreateRegister(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var configuration = services.GetRequiredService<IConfiguration>();
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(SqlResilience.PipelineName);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        return options.Provider switch
        {
            StorageProvider.Sqlite => new SqliteRiskRegister(
                string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString,
                pipeline,
                services.GetRequiredService<ILogger<SqliteRiskRegister>>(),
                services.GetRequiredService<TimeProvider>()),
            StorageProvider.SqlServer => new SqlServerRiskRegister(
                connectionString ?? throw new OptionsValidationException(ConnectionStringName, typeof(StorageOptions), [$"ConnectionStrings:{ConnectionStringName} is required"]),
                pipeline,
                services.GetRequiredService<ILogger<SqlServerRiskRegister>>()),
            _ => throw new OptionsValidationException(StorageOptions.SectionName, typeof(StorageOptions), [$"{StorageOptions.SectionName}:{nameof(StorageOptions.Provider)} '{options.Provider}' is not supported"]),
        };
    }
}

using Aims.Risk.Core.Consumers;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// On SQL Server every message being processed holds a pooled connection for its transaction, so the pool must
/// have at least <c>Worker:ConcurrentMessageLimit</c> connections. A smaller pool makes the extra messages wait
/// for a connection and fail after the connect timeout with an error that is not retried (SqlClient's default
/// pool of 100 is below the default limit of 128). Checked with the worker's options, so the command line,
/// which processes no messages, is not held to it.
/// </summary>
internal sealed class ConnectionPoolValidation(IOptions<StorageOptions> storage, IConfiguration configuration) : IValidateOptions<RiskWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, RiskWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (storage.Value.Provider != StorageProvider.SqlServer
            || configuration.GetConnectionString(StorageExtensions.ConnectionStringName) is not { Length: > 0 } connectionString)
        {
            return ValidateOptionsResult.Skip;
        }

        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // A malformed connection string is reported, naming the key, when the register is made.
            return ValidateOptionsResult.Skip;
        }

        if (!builder.Pooling || builder.MaxPoolSize >= options.ConcurrentMessageLimit)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            $"Max Pool Size in ConnectionStrings:{StorageExtensions.ConnectionStringName} is {builder.MaxPoolSize}, below " +
            $"{RiskWorkerOptions.SectionName}:{nameof(RiskWorkerOptions.ConcurrentMessageLimit)} ({options.ConcurrentMessageLimit}): each message " +
            "being processed holds a connection; set Max Pool Size to at least that, with room for the treatment updates (8 at once), the " +
            "outbox relay, the sweep and the health check, or lower the limit");
    }
}

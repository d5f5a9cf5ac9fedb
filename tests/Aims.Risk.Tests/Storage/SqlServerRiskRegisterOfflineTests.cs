using Aims.Risk.Core.Storage;
using Microsoft.Data.SqlClient;
using Polly;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// What can be checked of the SQL Server register with no server: the provider, DbUp and Dapper load and reach
/// the point of connecting (dbup-sqlserver is built against an older Microsoft.Data.SqlClient than the one used).
/// </summary>
public sealed class SqlServerRiskRegisterOfflineTests
{
    // Port 1 on the loopback refuses at once; no retries, so each failure is the first one.
    private const string Offline = "Server=tcp:127.0.0.1,1;Database=AimsRisk;User Id=sa;Password=unused;Encrypt=false;Connect Timeout=3";

    private readonly SqlServerRiskRegister register = new(Offline, ResiliencePipeline.Empty);

    [Fact]
    public async Task Migrate_without_a_server_fails_with_the_providers_exception()
    {
        _ = await Assert.ThrowsAsync<SqlException>(() => register.MigrateAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Record_without_a_server_fails_with_the_providers_exception()
    {
        _ = await Assert.ThrowsAsync<SqlException>(() => register.RecordAsync(Assessment("offline", "r.one"), CancellationToken.None));
    }

    [Fact]
    public async Task A_refused_connection_is_transient_so_a_restarting_server_is_waited_for()
    {
        // On Linux this is error number 0, class 20, "(provider: TCP Provider, error: 35 - ...)" with a SocketException.
        var error = await Assert.ThrowsAsync<SqlException>(() => register.RecordAsync(Assessment("offline", "r.one"), CancellationToken.None));

        Assert.True(TransientSqlErrors.IsTransient(error), $"not transient: number {error.Number}, class {error.Class}: {error.Message}");
    }

    [Fact]
    public async Task Ping_fails_at_the_first_attempt_without_the_retry_pipeline()
    {
        var retries = 0;
        var options = SqlResilience.CreateRetryOptions();
        options.Delay = TimeSpan.Zero;
        options.OnRetry = _ =>
        {
            retries++;
            return ValueTask.CompletedTask;
        };
        var retrying = new SqlServerRiskRegister(Offline, SqlResilience.CreatePipeline(options));

        _ = await Assert.ThrowsAsync<SqlException>(() => retrying.PingAsync(CancellationToken.None));

        Assert.Equal(0, retries);
    }

    [Fact]
    public void A_malformed_connection_string_is_rejected_when_the_register_is_made()
    {
        _ = Assert.ThrowsAny<ArgumentException>(() => new SqlServerRiskRegister("Server=x;Bogus Keyword=1", ResiliencePipeline.Empty));
    }
}

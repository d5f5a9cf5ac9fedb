using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// The store: Unhealthy when its files are not usable (SQLite: the database file deleted, replaced or not writable:
/// writes wait, nothing is acknowledged), when it does not answer a ping, or when writes fail for a reason retrying will
/// not fix; Degraded while writes are being retried for a transient reason (messages wait in the queue, none is lost).
/// </summary>
public sealed class RiskRegisterHealthCheck(IRiskRegister register, StoreWriteMonitor writes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (register.CheckFiles() is { } problem)
            {
                return HealthCheckResult.Unhealthy(problem);
            }

            await register.PingAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"the store does not answer: {ex.Message}", ex);
        }

        return writes.Failure switch
        {
            null => HealthCheckResult.Healthy("the store answers and the latest write succeeded"),
            { IsTransient: true } f => HealthCheckResult.Degraded($"writes are being retried since {f.Since:O}: {f.Reason}"),
            var f => HealthCheckResult.Unhealthy($"writes fail since {f.Since:O}: {f.Reason}"),
        };
    }
}

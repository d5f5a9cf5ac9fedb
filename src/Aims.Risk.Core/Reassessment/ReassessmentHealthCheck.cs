using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aims.Risk.Core.Reassessment;

/// <summary>
/// Re-assessment progress on <c>/health/ready</c>, as of the dispatcher's last look at the register. Always Healthy: a
/// re-assessment under way is work to do, not a reason to take the replica out of service.
/// </summary>
public sealed class ReassessmentHealthCheck(ReassessmentMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (runs, remaining) = (metrics.Runs, metrics.Remaining);
        var data = new Dictionary<string, object> { ["runs"] = runs, ["remaining"] = remaining };
        return Task.FromResult(HealthCheckResult.Healthy(
            runs == 0 ? "no re-assessment under way" : $"re-assessing: {remaining} system(s) remaining in {runs} run(s)",
            data));
    }
}

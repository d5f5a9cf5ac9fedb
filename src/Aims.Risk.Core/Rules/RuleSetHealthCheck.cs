using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The active rule set: Unhealthy without one; Degraded when the folder's latest content was refused and an
/// older set is still active (events are assessed, but not with the rules the authors last shipped).
/// </summary>
public sealed class RuleSetHealthCheck(RuleSetProvider provider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!provider.HasRuleSet)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("no rule set is active"));
        }

        var active = provider.Current;
        var data = new Dictionary<string, object> { ["version"] = active.Version, ["hash"] = active.Hash };
        var result = provider.LastRefusal is { } refusal
            ? HealthCheckResult.Degraded(
                $"rule set {active.Version} is active, but the folder's latest content was refused: "
                + string.Join("; ", refusal.Take(3))
                + (refusal.Count > 3 ? $" (and {refusal.Count - 3} more)" : ""),
                data: data)
            : HealthCheckResult.Healthy($"rule set {active.Version} is active", data);
        return Task.FromResult(result);
    }
}

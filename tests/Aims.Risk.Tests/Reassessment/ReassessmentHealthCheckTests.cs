using System.Diagnostics.Metrics;
using Aims.Risk.Core.Reassessment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aims.Risk.Tests.Reassessment;

/// <summary>Progress on the ready endpoint: what remains, never a reason to be unready.</summary>
public sealed class ReassessmentHealthCheckTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Shows_the_systems_remaining_and_stays_healthy_while_a_run_is_under_way()
    {
        using var metrics = new ReassessmentMetrics(_services.GetRequiredService<IMeterFactory>());
        var check = new ReassessmentHealthCheck(metrics);

        metrics.Progress(runs: 2, remaining: 150);
        var busy = await check.CheckHealthAsync(new HealthCheckContext());
        metrics.Progress(runs: 0, remaining: 0);
        var idle = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, busy.Status);
        Assert.Equal("re-assessing: 150 system(s) remaining in 2 run(s)", busy.Description);
        Assert.Equal(150L, busy.Data["remaining"]);
        Assert.Equal(HealthStatus.Healthy, idle.Status);
        Assert.Equal("no re-assessment under way", idle.Description);
    }
}

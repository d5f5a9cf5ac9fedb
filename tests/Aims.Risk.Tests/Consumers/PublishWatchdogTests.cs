using Aims.Risk.Core.Consumers;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Consumers;

/// <summary>
/// The watchdog stops the worker only when publishes keep timing out, none succeeds for the stall limit, and the bus
/// says it is connected; a success, a bus that is really disconnected, or mere quiet keeps it running.
/// </summary>
public sealed class PublishWatchdogTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ApplicationLifetime _lifetime = new(NullLogger<ApplicationLifetime>.Instance);
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    private PublishWatchdog Watchdog(bool started = true)
    {
        if (started)
        {
            _lifetime.NotifyStarted();
        }

        return new(_provider, Options.Create(new RiskWorkerOptions { PublishStallLimit = Limit }), _clock, _lifetime, NullLogger<PublishWatchdog>.Instance);
    }

    [Fact]
    public async Task Timeouts_with_no_success_for_the_limit_on_a_connected_bus_stop_the_worker()
    {
        using var watchdog = Watchdog();
        await watchdog.StartAsync(CancellationToken.None);
        await watchdog.PublishFault<object>(null!, new OperationCanceledException());

        await AdvanceAsync(Limit + TimeSpan.FromSeconds(10));

        var failure = await Assert.ThrowsAsync<PublishStuckException>(() => watchdog.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("publishing to the broker is stuck", failure.Message, StringComparison.Ordinal);
        Assert.True(watchdog.Stuck);
    }

    [Fact]
    public async Task A_success_after_the_timeouts_keeps_the_worker_running()
    {
        using var watchdog = Watchdog();
        await watchdog.StartAsync(CancellationToken.None);
        await watchdog.PublishFault<object>(null!, new OperationCanceledException());
        await AdvanceAsync(Limit - TimeSpan.FromSeconds(5));
        await watchdog.PostPublish<object>(null!);

        await AdvanceAsync(Limit - TimeSpan.FromSeconds(5));

        Assert.False(watchdog.ExecuteTask!.IsCompleted);
        Assert.False(watchdog.Stuck);
    }

    [Fact]
    public async Task Quiet_without_timeouts_or_other_faults_keeps_the_worker_running()
    {
        using var watchdog = Watchdog();
        await watchdog.StartAsync(CancellationToken.None);
        await watchdog.PublishFault<object>(null!, new InvalidOperationException("refused"));

        await AdvanceAsync(Limit * 3);

        Assert.False(watchdog.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task A_bus_that_is_really_disconnected_is_waited_for_not_restarted_for()
    {
        using var watchdog = Watchdog();
        await watchdog.StartAsync(CancellationToken.None);
        await watchdog.PublishFault<object>(null!, new OperationCanceledException());
        await _harness.Stop();

        await AdvanceAsync(Limit * 3);

        Assert.False(watchdog.ExecuteTask!.IsCompleted);
        Assert.False(watchdog.Stuck);
    }

    [Fact]
    public async Task The_time_spent_waiting_for_the_broker_at_start_does_not_count_as_a_stall()
    {
        using var watchdog = Watchdog(started: false);
        await watchdog.StartAsync(CancellationToken.None);
        await AdvanceAsync(Limit * 2);
        _lifetime.NotifyStarted();
        await Task.Delay(100);

        // The bus has started; its first publish times out.
        await watchdog.PublishFault<object>(null!, new OperationCanceledException());
        await AdvanceAsync(TimeSpan.FromSeconds(10));

        Assert.False(watchdog.ExecuteTask!.IsCompleted);
        Assert.False(watchdog.Stuck);

        // Timeouts and no success for the limit after the start still stop it.
        await AdvanceAsync(Limit);
        await Assert.ThrowsAsync<PublishStuckException>(() => watchdog.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Moves the clock in the watchdog's check steps, letting each check run.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += TimeSpan.FromSeconds(5))
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
        }
    }
}

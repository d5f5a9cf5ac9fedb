using System.Diagnostics.Metrics;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Reassessment;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Tests.Consumers;

/// <summary>
/// The background services that publish (the outbox relay, the re-assessment dispatcher) do nothing before the host's
/// <c>ApplicationStarted</c>, which in the worker comes only after the bus has started (BusStarter); while the worker
/// waits for the broker at start, what they would publish waits in the register. The risk sweep publishes nothing itself
/// (it writes the outbox), and the publish watchdog
/// publishes nothing (PublishWatchdogTests: it counts a stall from the start).
/// </summary>
public sealed class PublishAfterStartTests : IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly ApplicationLifetime _lifetime = new(NullLogger<ApplicationLifetime>.Instance);
    private readonly CountingRegister _register = new();
    private ServiceProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection().AddMetrics().AddMassTransitTestHarness().BuildServiceProvider();
        await _provider.GetRequiredService<ITestHarness>().Start();
    }

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task The_outbox_relay_reads_and_publishes_nothing_until_the_host_has_started()
    {
        using var signal = new OutboxSignal();
        using var relay = new OutboxRelay(_provider, _register, signal, TimeProvider.System, Options.Create(new RiskLifecycleOptions()), _lifetime, NullLogger<OutboxRelay>.Instance);

        await relay.StartAsync(CancellationToken.None);
        signal.Raise();
        await Task.Delay(Quiet);
        Assert.Equal(0, _register.Calls);

        _lifetime.NotifyStarted();
        await WaitForCallsAsync();
        await relay.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_reassessment_dispatcher_asks_the_register_for_nothing_until_the_host_has_started()
    {
        using var rules = new RuleSetProvider(Options.Create(new RulesOptions { Path = RepositoryRoot.Rules }), _register, TimeProvider.System, NullLogger<RuleSetProvider>.Instance);
        Assert.True(await rules.TryActivateAsync(CancellationToken.None));
        using var metrics = new ReassessmentMetrics(_provider.GetRequiredService<IMeterFactory>());
        using var dispatcher = new ReassessmentDispatcher(
            rules, _register, _provider.GetRequiredService<IBus>(), Options.Create(new ReassessmentOptions()), TimeProvider.System, metrics, _lifetime, NullLogger<ReassessmentDispatcher>.Instance);

        await dispatcher.StartAsync(CancellationToken.None);
        await Task.Delay(Quiet);
        Assert.Equal(0, _register.Calls);

        _lifetime.NotifyStarted();
        await WaitForCallsAsync();
        await dispatcher.StopAsync(CancellationToken.None);
    }

    private async Task WaitForCallsAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_register.Calls == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the service did not start its work once the host had started");
            await Task.Delay(20);
        }
    }

    /// <summary>Counts what the services would do first: read the outbox, request, claim or read re-assessment runs.</summary>
    private sealed class CountingRegister : RegisterStub
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public override Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int limit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
        }

        public override Task<bool> RequestReassessmentAsync(ReassessmentRun run, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(false);
        }

        public override Task<ReassessmentRun?> ClaimReassessmentAsync(DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult<ReassessmentRun?>(null);
        }

        public override Task<IReadOnlyList<ReassessmentRun>> ReadReassessmentsAsync(bool unfinishedOnly, int limit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult<IReadOnlyList<ReassessmentRun>>([]);
        }
    }
}

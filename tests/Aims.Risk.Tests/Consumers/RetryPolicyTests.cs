using System.Collections.Concurrent;
using System.Text.Json;
using Aims.Risk.Core;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Consumers;

/// <summary>
/// Retries only for what a retry can fix: transient store faults and transient broker faults are retried; every other
/// fault goes to the error queue on its first attempt, so a poison message never holds a consumer slot. Attempts are
/// counted by a register that fails on demand; no time is measured.
/// </summary>
public sealed class RetryPolicyTests : IAsyncLifetime
{
    private const int StoreRetries = 2;
    private const int BrokerRetries = 3;

    private readonly FailingRegister _register = new();
    private IHost _host = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:Path"] = RepositoryRoot.Rules,
            ["Rules:Watch"] = "false",
        });
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(SampleEvents.Now));
        builder.Services.AddSingleton<IRiskRegister>(_register);
        builder.Services.AddSingleton<StoreWriteMonitor>();
        builder.AddRiskRules();
        builder.Services.AddOptions<RiskWorkerOptions>().Configure(o =>
        {
            // One message at a time: a poison message that held its slot would hold up every message behind it.
            o.ConcurrentMessageLimit = 1;
            o.StoreRetryLimit = StoreRetries;
            o.StoreRetryInterval = TimeSpan.FromMilliseconds(50);
            o.RetryLimit = BrokerRetries;
        });
        builder.Services.AddSingleton<ChangeAssessor>();
        builder.Services.AddMassTransitTestHarness(x =>
        {
            // The inactivity clock starts with the harness: under load (a whole test run on two cores) more than 3 s could
            // pass before the first send, and the harness then reported nothing consumed at once.
            x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(8));
            x.AddConsumer<AiSystemChangedConsumer, AiSystemChangedConsumerDefinition>();
        });
        _host = builder.Build();
        await _host.StartAsync();
        _harness = _host.Services.GetTestHarness();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public static TheoryData<string, int> Faults() => new()
    {
        { nameof(InvalidOperationException), 1 },
        { nameof(ArgumentException), 1 },
        { nameof(KeyNotFoundException), 1 },
        { nameof(JsonException), 1 },
        { nameof(NotSupportedException), 1 },
        { "SqliteNoSuchTable", 1 },
        { "SqliteReadOnly", 1 },
        { "SqliteBusy", 1 + StoreRetries },
        { "RegisterFileDeleted", 1 + StoreRetries },
        { nameof(TimeoutException), 1 + StoreRetries },
        { nameof(ConnectionException), 1 + BrokerRetries },
        { nameof(OperationCanceledException), 1 + BrokerRetries },
        { "PublishWrappingConnection", 1 + BrokerRetries },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Only_transient_store_and_broker_faults_are_retried(string fault, int attempts)
    {
        var change = SampleEvents.Change(Guid.NewGuid());
        _register.FailWith(change.EventId, fault);
        var endpoint = await _harness.GetConsumerEndpoint<AiSystemChangedConsumer>();

        await endpoint.Send(change);

        Assert.True(await _harness.Consumed.Any<AiSystemChangedBody>(m => m.Exception is not null));
        await _register.WaitForAttempts(change.EventId, attempts);
        // Past the policy's last attempt, nothing more comes: the message left for the error queue.
        await _harness.InactivityTask;
        Assert.Equal(attempts, _register.Attempts(change.EventId));
    }

    [Fact]
    public async Task Poison_messages_ahead_of_a_good_one_take_one_attempt_each_and_the_good_one_is_assessed()
    {
        // With one consumer slot, 50 poison messages that were each retried with back-off would keep the good
        // message waiting for minutes; taken once each, they leave at once.
        var endpoint = await _harness.GetConsumerEndpoint<AiSystemChangedConsumer>();
        var poison = Enumerable.Range(0, 50).Select(_ => SampleEvents.Change(Guid.NewGuid())).ToList();
        foreach (var change in poison)
        {
            _register.FailWith(change.EventId, nameof(InvalidOperationException));
            await endpoint.Send(change);
        }

        var good = SampleEvents.Change(Guid.NewGuid());
        await endpoint.Send(good);

        await _register.WaitForAttempts(good.EventId, 1);
        Assert.Equal(1, _register.Attempts(good.EventId));
        Assert.All(poison, p => Assert.Equal(1, _register.Attempts(p.EventId)));
        Assert.True(_register.Recorded(good.EventId));
    }

    [Theory]
    [InlineData("SqliteNoSuchTable", "the risk register refused the write (SQLite error 1: no such table: Assessments); not retried")]
    [InlineData(nameof(InvalidOperationException), "the worker could not process this event (an internal InvalidOperationException while assessing it); not retried")]
    [InlineData(nameof(ArgumentException), "the worker could not process this event (an internal ArgumentException while assessing it); not retried")]
    [InlineData("SqliteReadOnly", "the risk register refused the write (SQLite error 8: attempt to write a readonly database); not retried")]
    [InlineData(nameof(JsonException), "the worker could not process this event (an internal JsonException while assessing it); not retried")]
    public void The_reason_names_what_failed_without_internals(string fault, string expected)
    {
        var reason = FaultReasonFilter.Reason(FailingRegister.Create(fault));

        Assert.StartsWith(expected, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("/", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.MachineName, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", reason, StringComparison.Ordinal);
    }

    /// <summary>A register that fails a chosen event's writes with a chosen fault, and counts every attempt.</summary>
    private sealed class FailingRegister : RegisterStub
    {
        private readonly ConcurrentDictionary<Guid, string> _faults = new();
        private readonly ConcurrentDictionary<Guid, int> _attempts = new();
        private readonly ConcurrentDictionary<Guid, bool> _recorded = new();

        public void FailWith(Guid eventId, string fault) => _faults[eventId] = fault;

        public int Attempts(Guid eventId) => _attempts.GetValueOrDefault(eventId);

        public bool Recorded(Guid eventId) => _recorded.ContainsKey(eventId);

        public async Task WaitForAttempts(Guid eventId, int count)
        {
            for (var i = 0; i < 600 && Attempts(eventId) < count; i++)
            {
                await Task.Delay(50);
            }
        }

        /// <summary>The fault, with a message that carries what a reason must never show: a path, a stack, a secret.</summary>
        public static Exception Create(string fault) => fault switch
        {
            nameof(InvalidOperationException) => new InvalidOperationException("state broken at /srv/aims/secret.txt"),
            nameof(ArgumentException) => new ArgumentException(".NET number values such as positive and negative infinity cannot be written as valid JSON (/home/secret)"),
            nameof(KeyNotFoundException) => new KeyNotFoundException(),
            nameof(JsonException) => new JsonException("/tmp/secret"),
            nameof(NotSupportedException) => new NotSupportedException("/tmp/secret"),
            "SqliteNoSuchTable" => new SqliteException("SQLite Error 1: 'no such table: Assessments'.", 1),
            "SqliteReadOnly" => new SqliteException("SQLite Error 8: 'attempt to write a readonly database'.", 8),
            "SqliteBusy" => new SqliteException("SQLite Error 5: 'database is locked'.", 5),
            "RegisterFileDeleted" => new RegisterFileException("the register's files were deleted, moved away or replaced under the running worker; nothing was written"),
            nameof(TimeoutException) => new TimeoutException("/tmp/secret"),
            nameof(ConnectionException) => new ConnectionException("broker.internal/secret closed"),
            nameof(OperationCanceledException) => new OperationCanceledException("publish timed out", new CancellationToken(canceled: true)),
            "PublishWrappingConnection" => new PublishException("/tmp/secret", new ConnectionException("closed")),
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
        };

        public override Task<RecordResult> RecordAsync(AssessmentRecord assessment, CancellationToken cancellationToken)
        {
            _attempts.AddOrUpdate(assessment.EventId, 1, (_, n) => n + 1);
            if (_faults.TryGetValue(assessment.EventId, out var fault))
            {
                throw Create(fault);
            }

            _recorded[assessment.EventId] = true;
            return Task.FromResult(new RecordResult(false, []));
        }

        public override Task<AssessmentRecord?> FindAssessmentAsync(Guid eventId, CancellationToken cancellationToken) => Task.FromResult<AssessmentRecord?>(null);

        public override Task<IReadOnlyList<RiskEntryRecord>> QueryEntriesAsync(RegisterQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RiskEntryRecord>>([]);
    }
}

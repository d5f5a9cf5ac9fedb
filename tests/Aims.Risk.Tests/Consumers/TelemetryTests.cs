using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aims.Risk.Contracts;
using Aims.Risk.Core;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Observability;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Consumers;

/// <summary>
/// What operators see of one processed event: the <c>Aims.Risk</c> counters with their tags, the active rule set
/// gauge, an activity tagged with the event and system ids, and log entries that carry both ids in their scope.
/// </summary>
public sealed class TelemetryTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-telemetry-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _activities = new();
    private MeterListener _meterListener = null!;
    private ActivityListener _activityListener = null!;
    private IHost _host = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RiskRegister"] = $"Data Source={_database}",
            ["Rules:Path"] = RepositoryRoot.Rules,
            ["Rules:Watch"] = "false",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.AddRiskRegister();
        builder.AddRiskRules();
        builder.Services.AddOptions<RiskWorkerOptions>();
        builder.Services.AddSingleton<ChangeAssessor>();
        builder.Services.AddMassTransitTestHarness(x =>
        {
            x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(30), testInactivityTimeout: TimeSpan.FromSeconds(5));
            x.AddConsumer<AiSystemChangedConsumer, AiSystemChangedConsumerDefinition>();
        });
        _host = builder.Build();

        // Only this host's meter: other tests' hosts create meters of the same name in parallel.
        var meterFactory = _host.Services.GetRequiredService<IMeterFactory>();
        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RiskMetrics.Name && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.Start();
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RiskMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_activityListener);

        await _host.StartAsync();
        _harness = _host.Services.GetTestHarness();
    }

    public void Dispose()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
        _logs.Dispose();
    }

    public async Task DisposeAsync()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_database);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private static AiSystemChanged Risky() => SampleEvents.Change(Guid.NewGuid()) with
    {
        System = new AiSystem { Id = "cv-screening", Name = "CV screening", Owner = "hr-risk@example.com", Exposure = Exposure.Public, AffectsIndividuals = true, Autonomy = Autonomy.FullyAutomated, EuAiActRiskClass = EuAiActRiskClass.High },
        Security = new SecurityInfo { ArtifactSigned = false, CriticalVulnerabilities = 2 },
        Datasets = [new DatasetInfo { Name = "applicants", ContainsPersonalData = true, SpecialCategoryData = true }],
    };

    private async Task<AssessmentRecord> ProcessAsync(AiSystemChanged change)
    {
        var endpoint = await _harness.GetConsumerEndpoint<AiSystemChangedConsumer>();
        await endpoint.Send(change);
        var register = _host.Services.GetRequiredService<IRiskRegister>();
        for (var i = 0; i < 300; i++)
        {
            if (await register.FindAssessmentAsync(change.EventId, default) is { } found && _activities.Any(a => Tag(a, "aims_risk.event_id") == change.EventId.ToString()))
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"event {change.EventId} was not processed");
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    [Fact]
    public async Task Processing_an_event_emits_the_counters_with_their_tags_and_the_active_rule_set_gauge()
    {
        var change = Risky();
        var expected = new RiskEvaluator(_clock).Evaluate(change, RuleSetLoader.Load(RepositoryRoot.Rules));

        _ = await ProcessAsync(change);
        _meterListener.RecordObservableInstruments();

        var measurements = _measurements.ToList();
        var assessed = Assert.Single(measurements, m => m.Instrument == "aims_risk.events.assessed");
        Assert.Equal((1d, false), (assessed.Value, (bool)assessed.Tags["duplicate"]!));
        var findings = measurements.Where(m => m.Instrument == "aims_risk.findings").ToList();
        Assert.Equal(
            expected.Findings.Select(f => $"{f.Level}/{f.Category}").Order(StringComparer.Ordinal),
            findings.Select(m => $"{m.Tags["level"]}/{m.Tags["category"]}").Order(StringComparer.Ordinal));
        Assert.Equal(expected.Findings.Count(f => f.RequiresTreatment), measurements.Where(m => m.Instrument == "aims_risk.tasks.published").Sum(m => m.Value));
        var duration = Assert.Single(measurements, m => m.Instrument == "aims_risk.evaluation.duration");
        Assert.True(duration.Value >= 0);
        var ruleSet = RuleSetLoader.Load(RepositoryRoot.Rules);
        var gauge = measurements.Last(m => m.Instrument == "aims_risk.ruleset.active");
        Assert.Equal((ruleSet.Rules.Count, ruleSet.Version, ruleSet.Hash), ((int)gauge.Value, (string)gauge.Tags["version"]!, (string)gauge.Tags["hash"]!));
    }

    [Fact]
    public async Task Processing_an_event_records_an_activity_tagged_with_its_event_and_system_ids()
    {
        var change = Risky();

        _ = await ProcessAsync(change);

        var activity = Assert.Single(_activities, a => Tag(a, "aims_risk.event_id") == change.EventId.ToString());
        Assert.Equal("assess AiSystemChanged", activity.OperationName);
        Assert.Equal("cv-screening", Tag(activity, "aims_risk.system_id"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
    }

    [Fact]
    public async Task Log_entries_about_a_processed_event_carry_its_event_and_system_ids_in_their_scope()
    {
        var change = Risky();

        _ = await ProcessAsync(change);

        var entries = _logs.Entries.Where(e => e.Category == typeof(AiSystemChangedConsumer).FullName && e.Message.Contains(change.EventId.ToString(), StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e =>
        {
            Assert.Equal(change.EventId, e.Scope["EventId"]);
            Assert.Equal("cv-screening", e.Scope["SystemId"]);
        });
    }

    /// <summary>Keeps each log entry with the values of the scopes it was written in.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Category, string Message, Dictionary<string, object?> Scope)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
                provider._scopes.ForEachScope(
                    (value, values) =>
                    {
                        if (value is IEnumerable<KeyValuePair<string, object>> pairs)
                        {
                            foreach (var (key, item) in pairs)
                            {
                                values[key] = item;
                            }
                        }
                    },
                    scope);
                provider.Entries.Enqueue((category, formatter(state, exception), scope));
            }
        }
    }
}

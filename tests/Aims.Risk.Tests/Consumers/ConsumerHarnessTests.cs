using Aims.Risk.Contracts;
using Aims.Risk.Core;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Aims.Risk.Tests.Consumers;

/// <summary>The consumer's logic on MassTransit's in-memory test harness, with the real rule pack and SQLite.</summary>
public sealed class ConsumerHarnessTests : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"aims-risk-harness-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = new(SampleEvents.Now);
    private readonly PublishedTasks _published = new();
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
        await _host.StartAsync();
        _harness = _host.Services.GetTestHarness();
        _harness.Bus.ConnectPublishObserver(_published);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_database);
    }

    private static AiSystemChanged Example(string name) =>
        AiSystemChangedReader.Read(File.ReadAllBytes(Path.Combine(RepositoryRoot.Rules, "examples", name)), new FakeTimeProvider(SampleEvents.Now));

    private static AiSystemChanged Risky() => SampleEvents.Change(Guid.NewGuid()) with
    {
        System = new AiSystem { Id = "cv-screening", Name = "CV screening", Owner = "hr-risk@example.com", Exposure = Exposure.Public, AffectsIndividuals = true, Autonomy = Autonomy.FullyAutomated, EuAiActRiskClass = EuAiActRiskClass.High },
        Security = new SecurityInfo { ArtifactSigned = false, CriticalVulnerabilities = 2 },
        Datasets = [new DatasetInfo { Name = "applicants", ContainsPersonalData = true, SpecialCategoryData = true }],
    };

    [Fact]
    public async Task Event_is_recorded_and_a_task_published_per_finding_at_or_above_the_threshold()
    {
        var change = Risky();
        var expected = new RiskEvaluator(_clock).Evaluate(change, RuleSetLoader.Load(RepositoryRoot.Rules));
        var endpoint = await _harness.GetConsumerEndpoint<AiSystemChangedConsumer>();

        await endpoint.Send(change);

        Assert.True(await _harness.Consumed.Any<AiSystemChangedBody>());
        var treated = expected.Findings.Where(f => f.RequiresTreatment).ToList();
        Assert.NotEmpty(treated);
        Assert.True(expected.Findings.Any(f => !f.RequiresTreatment) || treated.Count > 0);
        var published = await WaitForTasks(treated.Count);
        Assert.Equal(treated.Select(f => f.TaskId!.Value).Order(), published.Select(t => t.TaskId).Order());
        var task = published.First(t => t.RuleId == treated[0].RuleId);
        Assert.Equal(change.EventId, task.EventId);
        Assert.Equal("hr-risk@example.com", task.Owner);
        Assert.Equal(treated[0].Controls, task.Controls);

        var stored = await _host.Services.GetRequiredService<IRiskRegister>().FindAssessmentAsync(change.EventId, default);
        Assert.NotNull(stored);
        Assert.Equal(expected.Findings.Count, stored.Entries.Count);
        Assert.Equal(expected.Findings.Count(f => !f.RequiresTreatment), stored.Entries.Count(e => e.Status == RiskEntryStatus.Accepted && e.TaskId is null));
    }

    [Fact]
    public async Task Redelivered_event_writes_nothing_new_and_republishes_the_same_task_ids()
    {
        var change = Risky();
        var expected = new RiskEvaluator(_clock).Evaluate(change, RuleSetLoader.Load(RepositoryRoot.Rules)).Findings.Count(f => f.RequiresTreatment);
        var endpoint = await _harness.GetConsumerEndpoint<AiSystemChangedConsumer>();
        await endpoint.Send(change);
        var first = await _published.WaitFor(expected);
        Assert.Equal(expected, first.Count);

        await endpoint.Send(change);
        var all = await _published.WaitFor(first.Count * 2);

        Assert.Equal(first.Count * 2, all.Count);
        Assert.Equal(first.Order(), all.Skip(first.Count).Order());
        var entries = await _host.Services.GetRequiredService<IRiskRegister>().QueryEntriesAsync(new RegisterQuery { EventId = change.EventId }, default);
        Assert.Equal(first.Count, entries.Count(e => e.TaskId is not null));
        Assert.Equal(entries.Count, entries.Select(e => e.RuleId).Distinct().Count());
    }

    [Fact]
    public async Task Clean_event_is_recorded_with_no_task()
    {
        var change = Example("demand-forecasting.json");
        var endpoint = await _harness.GetConsumerEndpoint<AiSystemChangedConsumer>();

        await endpoint.Send(change);

        Assert.True(await _harness.Consumed.Any<AiSystemChangedBody>());
        Assert.NotNull(await _host.Services.GetRequiredService<IRiskRegister>().FindAssessmentAsync(change.EventId, default));
        Assert.False(await _harness.Published.Any<RiskTreatmentRequested>());
    }

    [Fact]
    public async Task Invalid_event_faults_with_the_reason_and_publishes_nothing()
    {
        var change = Risky() with { System = new AiSystem { Id = " ", Name = "x", Owner = "y" } };
        var endpoint = await _harness.GetConsumerEndpoint<AiSystemChangedConsumer>();

        await endpoint.Send(change);

        Assert.True(await _harness.Consumed.Any<AiSystemChangedBody>(m => m.Exception is not null));
        var fault = (await _harness.Consumed.SelectAsync<AiSystemChangedBody>().First()).Exception;
        Assert.IsType<InvalidEventException>(fault);
        Assert.Contains("system.id: is required", fault.Message, StringComparison.Ordinal);
        Assert.False(await _harness.Published.Any<RiskTreatmentRequested>());
    }

    [Fact]
    public async Task Same_event_id_with_another_payload_faults_as_a_conflict()
    {
        var change = Risky();
        var endpoint = await _harness.GetConsumerEndpoint<AiSystemChangedConsumer>();
        await endpoint.Send(change);
        await _published.WaitFor(1);

        await endpoint.Send(change with { Source = "someone-else" });

        Assert.True(await _harness.Consumed.Any<AiSystemChangedBody>(m => m.Exception is EventConflictException));
    }

    private async Task<List<RiskTreatmentRequested>> WaitForTasks(int atLeast)
    {
        for (var i = 0; i < 100; i++)
        {
            var tasks = _harness.Published.Select<RiskTreatmentRequested>().Select(m => m.Context.Message).ToList();
            if (tasks.Count >= atLeast)
            {
                return tasks;
            }

            await Task.Delay(50);
        }

        return [.. _harness.Published.Select<RiskTreatmentRequested>().Select(m => m.Context.Message)];
    }

    /// <summary>Every task publish, duplicates included (the harness's own list keeps one per message id).</summary>
    private sealed class PublishedTasks : IPublishObserver
    {
        private readonly List<Guid> _taskIds = [];

        public async Task<List<Guid>> WaitFor(int count)
        {
            for (var i = 0; i < 200; i++)
            {
                lock (_taskIds)
                {
                    if (_taskIds.Count >= count)
                    {
                        // Let the rest of one consume's publishes arrive.
                        Thread.Sleep(200);
                        return [.. _taskIds];
                    }
                }

                await Task.Delay(50);
            }

            lock (_taskIds)
            {
                return [.. _taskIds];
            }
        }

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class
        {
            if (context.Message is RiskTreatmentRequested task)
            {
                lock (_taskIds)
                {
                    _taskIds.Add(task.TaskId);
                }
            }

            return Task.CompletedTask;
        }

        public Task PrePublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}

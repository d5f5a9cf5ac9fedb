using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Reassessment;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Reliability;
using Aims.Risk.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>
/// A rule-set version bump on a running worker with the shipped examples in its register: the activation enqueues one
/// message per system on the broker, the worker re-assesses them and publishes tasks and status events only for what the
/// new version changes; a second activation enqueues nothing, and messages delivered again record nothing twice.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class ReassessmentEndToEndTests(RabbitMqFixture broker)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_version_bump_reassesses_the_register_with_tasks_and_status_events_only_for_what_changed()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("reassess");
        var rules = ShippedRulePack.CopyTo(folder.File("rules"));

        await using var worker = await WorkerHost.StartAsync(broker, new Dictionary<string, string?>
        {
            ["RabbitMq:VirtualHost"] = virtualHost.Name,
            ["Rules:Path"] = rules,
            ["Rules:RequireTests"] = "false",
            ["Reassessment:PollInterval"] = "00:00:00.2",
        });
        await using var connection = await virtualHost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var tasks = await BindAsync(channel, Topology.TasksExchange);
        var statuses = await BindAsync(channel, Topology.RiskEventsExchange);

        var examples = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Rules, "examples"), "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        foreach (var body in examples)
        {
            await channel.BasicPublishAsync("", Topology.InputQueue, mandatory: true, new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" }, body);
        }

        var changes = examples.Select(b => AiSystemChangedReader.Read(b, TimeProvider.System)).ToList();
        var assessed = new List<AssessmentRecord>();
        foreach (var change in changes)
        {
            assessed.Add(await Eventually(() => worker.Register.FindAssessmentAsync(change.EventId, default)));
        }

        var risks = await worker.Register.QueryRisksAsync(new RiskQuery(), default);
        _ = await Take(channel, tasks, assessed.Sum(a => a.Entries.Count(e => e.TaskId is not null)));
        _ = await Take(channel, statuses, risks.Count);

        // The new version: a rule on public systems, nothing else changed.
        ShippedRulePack.AddPublicSystemsRule(rules, "9.1.0");
        var candidate = RuleSetLoader.Load(rules);
        // Two examples may describe one system (its latest input is re-assessed): count systems, not files.
        var expected = changes.Where(c => new RiskEvaluator(TimeProvider.System).Evaluate(c, candidate).Findings.Any(f => f.RuleId == "SEC-900")).Select(c => c.System.Id).Distinct().Order().ToList();
        var systems = changes.Select(c => c.System.Id).Distinct().Count();
        Assert.NotEmpty(expected);

        var provider = worker.Services.GetRequiredService<RuleSetProvider>();
        Assert.True(await provider.TryActivateAsync(default));
        var run = await Eventually(
            async () => (await worker.Register.ReadReassessmentsAsync(false, 100, default))
                .SingleOrDefault(r => r.RunKey == ReassessmentIds.ActivationKey(candidate.Hash) && r.FinishedAt is not null),
            async () => string.Join("; ", await worker.Register.ReadReassessmentsAsync(false, 100, default)));

        Assert.Equal((systems, systems, expected.Count, 0, 0), (run.Systems, run.Done, run.Opened, run.Resolved, run.Changed));
        var newTasks = (await Take(channel, tasks, expected.Count)).Select(m => JsonSerializer.Deserialize<RiskTreatmentRequested>(m.Body.Span, ContractJson.Options)!).ToList();
        var newStatuses = (await Take(channel, statuses, expected.Count)).Select(m => JsonSerializer.Deserialize<RiskStatusChanged>(m.Body.Span, ContractJson.Options)!).ToList();
        Assert.Equal(expected, newTasks.Select(t => t.SystemId).Order());
        Assert.All(newTasks, t => Assert.Equal(("SEC-900", "9.1.0"), (t.RuleId, t.RuleSetVersion)));
        Assert.Equal(expected, newStatuses.Select(s => s.SystemId).Order());
        Assert.All(newStatuses, s => Assert.StartsWith("rule SEC-900 fired on rule set 9.1.0", s.Reason, StringComparison.Ordinal));

        // Nothing else: the other risks were confirmed as they were.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(await Take(channel, tasks, int.MaxValue, TimeSpan.FromSeconds(1)));
        Assert.Empty(await Take(channel, statuses, int.MaxValue, TimeSpan.FromSeconds(1)));

        // A second activation of the same version enqueues nothing twice.
        Assert.True(await provider.TryActivateAsync(default));
        Assert.False(await worker.Register.RequestReassessmentAsync(
            new ReassessmentRun(Guid.NewGuid(), ReassessmentIds.ActivationKey(candidate.Hash), ReassessmentRun.OnActivation, null, "9.1.0", candidate.Hash, DateTimeOffset.UtcNow), default));

        // The run's messages delivered again, as after a crash before their acknowledgement: recorded once, the same ids republished.
        var history = await HistoryAsync(worker.Register);
        var send = await worker.Services.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(new Uri($"exchange:{Topology.ReassessmentQueue}"));
        foreach (var assessment in assessed)
        {
            await send.Send(new ReassessSystem { RunId = run.RunId, Reason = run.Reason, SystemId = assessment.SystemId, EventId = assessment.EventId, RuleSetHash = candidate.Hash });
        }

        var republished = (await Take(channel, tasks, expected.Count)).Select(m => JsonSerializer.Deserialize<RiskTreatmentRequested>(m.Body.Span, ContractJson.Options)!).ToList();
        Assert.Equal(newTasks.Select(t => t.TaskId).Order(), republished.Select(t => t.TaskId).Order());
        Assert.Equal(history, await HistoryAsync(worker.Register));
        var after = (await worker.Register.ReadReassessmentsAsync(false, 100, default)).Single(r => r.RunId == run.RunId);
        Assert.Equal((run.Done, run.Opened), (after.Done, after.Opened));
        folder.Keep = false;
    }

    [Fact]
    public async Task Systems_not_assessed_within_the_interval_are_reassessed_from_their_latest_input()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("reassess-interval");
        var database = folder.File("register.db");
        var register = new SqliteRiskRegister($"Data Source={database}", Polly.ResiliencePipeline.Empty);
        await register.MigrateAsync(default);
        var shipped = RuleSetLoader.Load(RepositoryRoot.Rules);
        await register.ArchiveRuleSetAsync(new RuleSetArchive(shipped.Version, shipped.Hash, shipped.Content, DateTimeOffset.UtcNow.AddDays(-10)), default);
        var example = AiSystemChangedReader.Read(RepositoryRoot.Example("credit-scoring.json"), TimeProvider.System);
        var old = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-2));
        var stale = new List<AssessmentRecord>();
        foreach (var system in new[] { "stale-a", "stale-b", "stale-c", "fresh" })
        {
            var change = example with { EventId = Guid.NewGuid(), System = example.System with { Id = system } };
            var record = Aims.Risk.Core.Risks.RegisterMapping.ToRecord(new RiskEvaluator(system == "fresh" ? TimeProvider.System : old).Evaluate(change, shipped));
            _ = await register.RecordAsync(record, default);
            if (system != "fresh")
            {
                stale.Add(record);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var worker = await WorkerHost.StartAsync(broker, new Dictionary<string, string?>
        {
            ["ConnectionStrings:RiskRegister"] = $"Data Source={database}",
            ["RabbitMq:VirtualHost"] = virtualHost.Name,
            ["Reassessment:Interval"] = "1.00:00:00",
            ["Reassessment:PollInterval"] = "00:00:00.2",
        });

        var run = await Eventually(
            async () => (await worker.Register.ReadReassessmentsAsync(false, 100, default)).SingleOrDefault(r => r.Reason == ReassessmentRun.AtInterval && r.FinishedAt is not null),
            async () => string.Join("; ", await worker.Register.ReadReassessmentsAsync(false, 100, default)));

        Assert.Equal((3, 3), (run.Systems, run.Done));
        var latest = new List<LatestInput>();
        await foreach (var input in worker.Register.ReadLatestInputsAsync(null, default))
        {
            latest.Add(input);
        }

        foreach (var record in stale)
        {
            var now = latest.Single(i => i.SystemId == record.SystemId);
            Assert.Equal(ReassessmentIds.DerivedEvent(shipped.Hash, record.SystemId, record.EventId), now.EventId);
            Assert.Equal(record.EventId, (await worker.Register.FindAssessmentAsync(now.EventId, default))!.ReassessedEventId);
        }

        Assert.Null((await worker.Register.FindAssessmentAsync(latest.Single(i => i.SystemId == "fresh").EventId, default))!.ReassessedEventId);
        folder.Keep = false;
    }

    private static async Task<string> BindAsync(IChannel channel, string exchange)
    {
        var queue = await channel.QueueDeclareAsync(RabbitMqFixture.UniqueName("reassess"), durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, exchange, "#");
        return queue.QueueName;
    }

    private static async Task<List<BasicGetResult>> Take(IChannel channel, string queue, int count, TimeSpan? timeout = null)
    {
        var taken = new List<BasicGetResult>();
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (taken.Count < count && DateTime.UtcNow < deadline)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                taken.Add(message);
            }
            else
            {
                await Task.Delay(50);
            }
        }

        Assert.True(count == int.MaxValue || taken.Count == count, $"{queue}: {taken.Count} of {count} messages");
        return taken;
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, Func<Task<string>>? state = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the worker did not get there in time{(state is null ? "" : ": " + await state())}");
    }

    private static async Task<int> HistoryAsync(IRiskRegister register)
    {
        var total = 0;
        foreach (var risk in await register.QueryRisksAsync(new RiskQuery(), default))
        {
            total += (await register.FindRiskAsync(risk.RiskId, default))!.History.Count;
        }

        return total;
    }
}

using System.Text;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Storage;
using Aims.Risk.IntegrationTests.Broker;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>
/// The bad-input corpus on the real broker, with the worker's default size limit: every case goes to the error
/// queue with a reason naming its problem, good events sent between them are assessed, and the worker keeps going.
/// </summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class BadInputCorpusTests(RabbitMqFixture broker, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>A good event after every this many bad ones.</summary>
    private const int GoodEvery = 4;

    private WorkerHost _worker = null!;
    private PlainAmqp _amqp = null!;

    public async Task InitializeAsync()
    {
        _worker = await WorkerHost.StartAsync(broker);
        _amqp = await PlainAmqp.ConnectAsync(broker);
    }

    public async Task DisposeAsync()
    {
        await _amqp.DisposeAsync();
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task Every_bad_input_is_refused_to_the_error_queue_with_its_reason_while_good_events_interleaved_are_assessed()
    {
        var cases = BadInputCorpus.Cases(AiSystemChangedReader.DefaultMaxBytes).ToList();
        Assert.True(cases.Count >= 30, $"the corpus has {cases.Count} cases");

        // The same event id with another payload: the first version must be assessed before the second arrives.
        var conflictId = Guid.NewGuid();
        var original = BadInputCorpus.Valid(conflictId);
        await _amqp.PublishAsync(Encoding.UTF8.GetBytes(original.ToJsonString()));
        Assert.NotNull(await WaitForAssessment(conflictId));
        original["source"] = "someone-else";
        cases.Add(new BadInput("same eventId, different payload", Encoding.UTF8.GetBytes(original.ToJsonString()), "application/json", "already assessed with a different payload"));

        var sent = new List<(string MessageId, BadInput Case)>();
        var good = new List<Guid> { conflictId };
        for (var i = 0; i < cases.Count; i++)
        {
            sent.Add((await _amqp.PublishAsync(cases[i].Body, cases[i].ContentType), cases[i]));
            if (i % GoodEvery == GoodEvery - 1 || i == cases.Count - 1)
            {
                var id = Guid.NewGuid();
                await _amqp.PublishAsync(Encoding.UTF8.GetBytes(BadInputCorpus.Valid(id).ToJsonString()));
                good.Add(id);
            }
        }

        var errors = await _amqp.TakeAsync(Topology.ErrorQueue, taken => sent.All(s => taken.Any(m => m.BasicProperties.MessageId == s.MessageId)), TimeSpan.FromSeconds(90));
        var assessed = new List<AssessmentRecord>();
        foreach (var id in good)
        {
            if (await WaitForAssessment(id) is { } found)
            {
                assessed.Add(found);
            }
        }

        var problems = new List<string>();
        foreach (var (messageId, bad) in sent)
        {
            var message = errors.SingleOrDefault(m => m.BasicProperties.MessageId == messageId);
            var fault = message is null ? null : PlainAmqp.Header(message, "MT-Fault-Message");
            if (message is null)
            {
                problems.Add($"{bad.Name}: not in {Topology.ErrorQueue}");
            }
            else if (fault?.Contains(bad.Reason, StringComparison.Ordinal) != true)
            {
                problems.Add($"{bad.Name}: expected a reason containing '{bad.Reason}', got '{fault}'");
            }
            else
            {
                output.WriteLine($"{bad.Name,-36} {fault}");
            }
        }

        var queued = sent.Count(s => errors.Any(m => m.BasicProperties.MessageId == s.MessageId));
        output.WriteLine($"bad inputs sent: {sent.Count}, error-queued with their reason: {sent.Count - problems.Count} (error-queued at all: {queued}), good events sent: {good.Count}, assessed: {assessed.Count}");
        foreach (var problem in problems)
        {
            output.WriteLine("PROBLEM " + problem);
        }

        Assert.Empty(problems);
        Assert.Equal(good.Order(), assessed.Select(a => a.EventId).Order());
        Assert.All(assessed, a => Assert.Equal("credit-scoring", a.SystemId));
        Assert.DoesNotContain(errors, m => good.Any(id => Encoding.UTF8.GetString(m.Body.Span).Contains(id.ToString(), StringComparison.Ordinal) && id != conflictId));
    }

    private async Task<AssessmentRecord?> WaitForAssessment(Guid eventId)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await _worker.Register.FindAssessmentAsync(eventId, default) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        return null;
    }
}

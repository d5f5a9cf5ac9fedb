using System.Text;
using Aims.Risk.Core.Consumers;
using Aims.Risk.IntegrationTests.Broker;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>A refused message leaves one warning line with its reason in the worker's log, and no stack trace.</summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class RefusalLogTests(RabbitMqFixture broker, ITestOutputHelper output)
{
    [Fact]
    public async Task A_refused_message_logs_one_warning_line_with_its_reason_and_no_stack_trace()
    {
        await using var virtualHost = await VirtualHost.CreateAsync(broker);
        using var folder = new TempFolder("refusal-log");
        await using var worker = await WorkerProcess.StartAsync("worker", broker, virtualHost, $"Data Source={folder.File("register.db")}", folder.Path,
            new Dictionary<string, string> { ["Logging__Format"] = "text" });
        await using var connection = await virtualHost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        // One refused by the consumer's reader, one before it by the body check (the content type).
        var refusals = new[] { ("application/json", "missing required properties"), ("text/plain", "the content type 'text/plain' is not accepted") };
        var sent = new List<(string MessageId, string Reason)>();
        foreach (var (contentType, reason) in refusals)
        {
            var messageId = Guid.NewGuid().ToString();
            await channel.BasicPublishAsync("", Topology.InputQueue, mandatory: true,
                new BasicProperties { MessageId = messageId, ContentType = contentType, DeliveryMode = DeliveryModes.Persistent },
                Encoding.UTF8.GetBytes("""{"not":"an event"}"""));
            sent.Add((messageId, reason));
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await virtualHost.MessageCountAsync(Topology.ErrorQueue) < sent.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal((uint)sent.Count, await virtualHost.MessageCountAsync(Topology.ErrorQueue));
        var log = worker.LogTail(200_000).Split('\n');
        foreach (var (messageId, reason) in sent)
        {
            var after = log.SkipWhile(l => !l.Contains(messageId, StringComparison.Ordinal)).Take(20).ToList();
            foreach (var line in after)
            {
                output.WriteLine(line);
            }

            var line0 = Assert.Single(log, l => l.Contains(messageId, StringComparison.Ordinal));
            Assert.Contains(reason, line0, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(log, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        folder.Keep = false;
    }
}

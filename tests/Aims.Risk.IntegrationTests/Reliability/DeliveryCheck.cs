using System.Diagnostics;
using Aims.Risk.Core.Consumers;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>Waits for a stream to be worked off, then compares the register, the tasks and the queues with what was sent.</summary>
public static class DeliveryCheck
{
    /// <summary>Polls until every event has an assessment, failing when nothing progresses for <paramref name="stall"/>.</summary>
    public static async Task WaitForAllAsync(RegisterAudit audit, int count, TimeSpan stall, Func<string> diagnostics)
    {
        var last = -1L;
        var progressed = Stopwatch.StartNew();
        while (true)
        {
            var now = await audit.AssessmentCountAsync();
            if (now >= count)
            {
                return;
            }

            if (now != last)
            {
                last = now;
                progressed.Restart();
            }
            else if (progressed.Elapsed > stall)
            {
                throw new TimeoutException($"{now} of {count} events assessed and no progress for {stall}; {diagnostics()}");
            }

            await Task.Delay(250);
        }
    }

    public static async Task<DeliveryReport> CompareAsync(
        string scenario,
        EventBatch stream,
        RegisterAudit audit,
        TaskCollector tasks,
        VirtualHost virtualHost,
        Stopwatch elapsed,
        string notes)
    {
        var received = await tasks.CollectAsync(stream.TaskIds, TimeSpan.FromSeconds(60));
        var snapshot = await audit.ReadAsync();
        var sent = stream.Events.Select(e => e.EventId).ToHashSet();
        var assessed = stream.Events.Count(e => snapshot.Assessments.ContainsKey(e.EventId));
        var duplicated =
            snapshot.Assessments.Values.Sum(rows => (int)(rows - 1))
            + snapshot.Assessments.Keys.Count(id => !sent.Contains(id))
            + snapshot.RuleIds.Values.Sum(rules => rules.Count - rules.Distinct(StringComparer.Ordinal).Count());
        var wrongEntries = stream.Events.Count(e =>
            snapshot.Assessments.ContainsKey(e.EventId)
            && !e.RuleIds.SequenceEqual(snapshot.RuleIds.GetValueOrDefault(e.EventId) ?? []));
        var expectedTasks = stream.TaskIds.ToHashSet();

        // The stored TaskIds and the evaluator's must agree, else "every expected task arrived" proves little.
        if (!expectedTasks.SetEquals(snapshot.StoredTaskIds))
        {
            notes += $"; stored TaskIds differ from the evaluator's ({snapshot.StoredTaskIds.Count} stored, {expectedTasks.Count} expected)";
        }

        return new DeliveryReport(
            scenario,
            Sent: stream.Count,
            Assessed: assessed,
            Duplicated: duplicated,
            Lost: stream.Count - assessed,
            WrongEntries: wrongEntries + (expectedTasks.SetEquals(snapshot.StoredTaskIds) ? 0 : 1),
            ErrorQueued: await virtualHost.MessageCountAsync(Topology.ErrorQueue),
            LeftInQueue: await virtualHost.MessageCountAsync(Topology.InputQueue),
            TasksExpected: expectedTasks.Count,
            TasksMissing: expectedTasks.Count(id => !received.ContainsKey(id)),
            TaskRedeliveries: received.Values.Sum(n => n - 1),
            Elapsed: elapsed.Elapsed,
            Notes: notes);
    }
}

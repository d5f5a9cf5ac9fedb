using System.Diagnostics;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Reassessment;

/// <summary>
/// Turns re-assessment runs into broker messages, on every replica. A run is a <c>Reassessments</c> row whose unique
/// key makes it exist once however many replicas ask: the activation of a rule set (<c>activation:&lt;hash&gt;</c>),
/// the day's planned check (<c>interval:&lt;hash&gt;:&lt;day&gt;</c>), or the command line (<c>demand:&lt;id&gt;</c>).
/// The replica whose conditional update claims a run streams the systems' latest inputs and sends one durable message
/// per system to <c>aims.risk.reassessments</c>, which every replica consumes; a run left claimed but not enqueued (its
/// replica stopped) is claimed again after <see cref="ReassessmentOptions.ClaimTimeout"/>, and its messages, sent twice,
/// are recorded once (derived event ids).
/// </summary>
public sealed partial class ReassessmentDispatcher(
    RuleSetProvider rules,
    IRiskRegister register,
    ISendEndpointProvider sendEndpoints,
    IOptions<ReassessmentOptions> options,
    TimeProvider clock,
    ReassessmentMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<ReassessmentDispatcher> logger) : BackgroundService
{
    /// <summary>Messages in flight to the broker at once while a run is enqueued.</summary>
    private const int SendWindow = 256;

    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    public override void Dispose()
    {
        rules.Activated -= OnActivated;
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        rules.Activated += OnActivated;

        // Not before the host has started, and with it the bus and its queues: a run sent earlier to the re-assessment
        // exchange, before its queue exists or is bound, would be dropped as unroutable. Runs requested meanwhile wait
        // in the register.
        await lifetime.WaitUntilStartedAsync(stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The register or the broker is away: the run stays claimed, and is claimed again once the claim is stale.
                LogDispatchFailed(ex);
            }

            _ = await _wake.WaitAsync(options.Value.PollInterval, stoppingToken);
        }
    }

    private void OnActivated(RuleSet ruleSet) => _wake.Release();

    private async Task DispatchAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var ruleSet = rules.Current;
        var now = clock.GetUtcNow();
        if (settings.OnActivation)
        {
            // Asked on every look, not only on the activation event: the key makes it once, and a replica that started
            // with the new rule set (or missed the event) asks too.
            await RequestAsync(ReassessmentIds.ActivationKey(ruleSet.Hash), ReassessmentRun.OnActivation, ruleSet, now, cancellationToken);
        }

        if (settings.Interval is not null)
        {
            await RequestAsync(ReassessmentIds.IntervalKey(ruleSet.Hash, now), ReassessmentRun.AtInterval, ruleSet, now, cancellationToken);
        }

        while (await register.ClaimReassessmentAsync(now, now - settings.ClaimTimeout, cancellationToken) is { } run)
        {
            await EnqueueAsync(run, cancellationToken);
            now = clock.GetUtcNow();
        }

        var unfinished = await register.ReadReassessmentsAsync(unfinishedOnly: true, limit: 1000, cancellationToken);
        metrics.Progress(unfinished.Count, unfinished.Sum(r => (long)(r.Remaining ?? 0)));
    }

    private async Task RequestAsync(string key, string reason, RuleSet ruleSet, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var run = new ReassessmentRun(Guid.NewGuid(), key, reason, SystemId: null, ruleSet.Version, ruleSet.Hash, now);
        if (await register.RequestReassessmentAsync(run, cancellationToken))
        {
            LogRequested(run.RunId, reason, ruleSet.Version);
        }
    }

    private async Task EnqueueAsync(ReassessmentRun run, CancellationToken cancellationToken)
    {
        var ruleSet = rules.Current;
        if (run.Reason == ReassessmentRun.OnActivation && run.RuleSetHash != ruleSet.Hash)
        {
            // Another rule set became active before this run was enqueued: its own run re-assesses the register.
            await register.MarkReassessmentEnqueuedAsync(run.RunId, run.RuleSetVersion ?? "", run.RuleSetHash ?? "", 0, clock.GetUtcNow(), cancellationToken);
            LogEnqueued(run.RunId, run.Reason, 0, run.RuleSetVersion ?? "");
            return;
        }

        // To the queue's own fanout exchange: a queue: address would declare the queue, as a classic queue, and be refused
        // by the quorum queue the endpoint declared.
        var endpoint = await sendEndpoints.GetSendEndpoint(new Uri($"exchange:{Topology.ReassessmentQueue}"));
        var cutoff = clock.GetUtcNow() - (options.Value.Interval ?? TimeSpan.Zero);

        // The systems first, then the messages: the register's read ends before the first send, so no read stays open
        // (in SQLite, holding back the checkpoint of every write) while the run is enqueued at its pace. Keys only: the
        // consumer reads each system's input when it re-assesses it (reading 100,000 payloads here cost new events' CPU).
        var reading = Stopwatch.GetTimestamp();
        var messages = new List<ReassessSystem>();
        await foreach (var input in register.ReadLatestAssessmentsAsync(run.SystemId, cancellationToken))
        {
            var wanted = run.Reason switch
            {
                // Also what this run may have re-assessed already, when a replica stopped while enqueuing it: sent again,
                // those are skipped by the consumer and counted once, so the run's systems add up.
                ReassessmentRun.OnActivation => input.RuleSetHash != ruleSet.Hash || input.AssessedAt >= run.RequestedAt,
                ReassessmentRun.AtInterval => input.AssessedAt < cutoff,
                _ => true,
            };
            if (wanted)
            {
                messages.Add(new ReassessSystem { RunId = run.RunId, Reason = run.Reason, SystemId = input.SystemId, EventId = input.EventId, RuleSetHash = ruleSet.Hash });
            }
        }

        var read = Stopwatch.GetElapsedTime(reading);
        metrics.EnqueueRead(read);
        LogRead(run.RunId, messages.Count, (long)read.TotalMilliseconds, options.Value.EnqueueRate);

        // Paced at Reassessment:EnqueueRate, about ten windows a second: new events keep the broker and the CPU. At that
        // pace a large register takes longer than the claim timeout, so the claim is renewed as the messages go; a replica
        // that finds its claim taken (it was too slow, and another claimed the run) stops, and the other enqueues the run.
        var rate = options.Value.EnqueueRate;
        var window = Math.Clamp(rate / 10, 1, SendWindow);
        var started = Stopwatch.GetTimestamp();
        var claimedAt = run.ClaimedAt ?? clock.GetUtcNow();
        var renewed = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < messages.Count; sent += window)
        {
            if (Stopwatch.GetElapsedTime(renewed) >= options.Value.ClaimTimeout / 3)
            {
                var now = clock.GetUtcNow();
                if (!await register.RenewReassessmentClaimAsync(run.RunId, claimedAt, now, cancellationToken))
                {
                    LogClaimLost(run.RunId, sent, messages.Count);
                    return;
                }

                claimedAt = now;
                renewed = Stopwatch.GetTimestamp();
            }

            await Task.WhenAll(messages.Skip(sent).Take(window).Select(message =>
                endpoint.Send(message, send => send.MessageId = ReassessmentIds.Message(run.RunId, message.SystemId), cancellationToken)));
            var ahead = TimeSpan.FromSeconds((double)(sent + window) / rate) - Stopwatch.GetElapsedTime(started);
            if (ahead > TimeSpan.Zero && sent + window < messages.Count)
            {
                await Task.Delay(ahead, cancellationToken);
            }
        }

        var systems = messages.Count;
        await register.MarkReassessmentEnqueuedAsync(run.RunId, ruleSet.Version, ruleSet.Hash, systems, clock.GetUtcNow(), cancellationToken);
        LogEnqueued(run.RunId, run.Reason, systems, ruleSet.Version);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-assessment run {RunId} requested ({Reason}, rule set {Version})")]
    private partial void LogRequested(Guid runId, string reason, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-assessment run {RunId} ({Reason}) enqueued {Systems} systems for rule set {Version}")]
    private partial void LogEnqueued(Guid runId, string reason, int systems, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-assessment run {RunId}: {Systems} systems read in {ReadMs} ms; sending at {Rate} a second")]
    private partial void LogRead(Guid runId, int systems, long readMs, int rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-assessment run {RunId} was claimed by another replica after {Sent} of {Systems} messages; it enqueues the run")]
    private partial void LogClaimLost(Guid runId, int sent, int systems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-assessment dispatch failed; retried at the next look")]
    private partial void LogDispatchFailed(Exception exception);
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.RuleChanges;

/// <summary>
/// Runs <see cref="RuleSetDiffer"/> over every system's latest input: the register's rows stream in, in batches, through
/// a bounded channel (constant memory, whatever the register's size) and are compared on every core; both rule sets are compiled
/// once, by the caller. Only systems with a change are kept.
/// </summary>
public static class RegisterDiff
{
    /// <summary>Inputs handed to a comparer at once: one channel operation per batch, not per system.</summary>
    private const int Batch = 64;

    /// <summary>Batches waiting for a comparer: constant memory, whatever the register's size.</summary>
    private const int Buffered = 4;

    public static async Task<RegisterDiffReport> RunAsync(
        IAsyncEnumerable<LatestInput> inputs,
        RuleSet active,
        RuleSet candidate,
        CancellationToken cancellationToken,
        int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var differ = new RuleSetDiffer(active, candidate);
        var channel = Channel.CreateBounded<List<LatestInput>>(new BoundedChannelOptions(Buffered) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var changed = new ConcurrentBag<List<SystemDiff>>();
        long systems = 0;

        // A worker that fails stops the reader too, so the reader never waits on a channel nobody empties.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, parallelism ?? Environment.ProcessorCount).Select(_ => Task.Run(
            async () =>
            {
                try
                {
                    long seen = 0;
                    var mine = new List<SystemDiff>();
                    await foreach (var batch in channel.Reader.ReadAllAsync(stop.Token))
                    {
                        foreach (var input in batch)
                        {
                            var diff = differ.Compare(Read(input));
                            if (diff.Changes.Count > 0 || diff.CandidateErrors.Count > 0)
                            {
                                mine.Add(diff);
                            }
                        }

                        seen += batch.Count;
                    }

                    changed.Add(mine);
                    Interlocked.Add(ref systems, seen);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await stop.CancelAsync();
                    throw;
                }
            },
            stop.Token)).ToList();

        try
        {
            var batch = new List<LatestInput>(Batch);
            await foreach (var input in inputs.WithCancellation(stop.Token))
            {
                batch.Add(input);
                if (batch.Count == Batch)
                {
                    await channel.Writer.WriteAsync(batch, stop.Token);
                    batch = new List<LatestInput>(Batch);
                }
            }

            if (batch.Count > 0)
            {
                await channel.Writer.WriteAsync(batch, stop.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A worker failed; its exception is the one to report, below.
        }
        finally
        {
            channel.Writer.TryComplete();
        }

        await Task.WhenAll(workers);
        var ordered = changed.SelectMany(d => d).OrderBy(d => d.SystemId, StringComparer.Ordinal).ToList();
        return new RegisterDiffReport(active.Version, active.Hash, candidate.Version, candidate.Hash, systems, ordered);
    }

    /// <summary>
    /// The stored payload is the canonical JSON of an event the strict reader accepted when it arrived, so it is read
    /// back as it was written; a row that no longer reads is a damaged register, and says which system.
    /// </summary>
    private static AiSystemChanged Read(LatestInput input)
    {
        try
        {
            return JsonSerializer.Deserialize<AiSystemChanged>(input.Utf8Payload.Span, ContractJson.Options)
                ?? throw new InvalidDataException($"the latest assessment of system {input.SystemId} (event {input.EventId}) has an empty payload");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the latest assessment of system {input.SystemId} (event {input.EventId}) has a payload that is not an event: {ex.Message}", ex);
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.RuleChanges;

/// <summary>
/// Runs <see cref="RuleSetDiffer"/> over every system's latest input: the register's rows stream in through a bounded
/// channel (constant memory, whatever the register's size) and are compared on every core; both rule sets are compiled
/// once, by the caller. Only systems with a change are kept.
/// </summary>
public static class RegisterDiff
{
    private const int Buffered = 1024;

    public static async Task<RegisterDiffReport> RunAsync(
        IAsyncEnumerable<LatestInput> inputs,
        RuleSet active,
        RuleSet candidate,
        CancellationToken cancellationToken,
        int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var differ = new RuleSetDiffer(active, candidate);
        var channel = Channel.CreateBounded<LatestInput>(new BoundedChannelOptions(Buffered) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var changed = new ConcurrentBag<SystemDiff>();
        long systems = 0;

        // A worker that fails stops the reader too, so the reader never waits on a channel nobody empties.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, parallelism ?? Environment.ProcessorCount).Select(_ => Task.Run(
            async () =>
            {
                try
                {
                    long seen = 0;
                    await foreach (var input in channel.Reader.ReadAllAsync(stop.Token))
                    {
                        var diff = differ.Compare(Read(input));
                        seen++;
                        if (diff.Changes.Count > 0 || diff.CandidateErrors.Count > 0)
                        {
                            changed.Add(diff);
                        }
                    }

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
            await foreach (var input in inputs.WithCancellation(stop.Token))
            {
                await channel.Writer.WriteAsync(input, stop.Token);
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
        var ordered = changed.OrderBy(d => d.SystemId, StringComparer.Ordinal).ToList();
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
            return JsonSerializer.Deserialize<AiSystemChanged>(input.Payload, ContractJson.Options)
                ?? throw new InvalidDataException($"the latest assessment of system {input.SystemId} (event {input.EventId}) has an empty payload");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the latest assessment of system {input.SystemId} (event {input.EventId}) has a payload that is not an event: {ex.Message}", ex);
        }
    }
}

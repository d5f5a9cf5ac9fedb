using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Aims.Risk.Core.Storage;

/// <summary>What a rule change needs from the register: the archived rule sets and every system's latest input.</summary>
public abstract partial class DbRiskRegister
{
    public async Task<IReadOnlyList<RuleSetArchive>> ReadRuleSetsAsync(CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token =>
            {
                await using var connection = await OpenForReadAsync(token);
                return await ReadRuleSetsAsync(connection, token);
            },
            cancellationToken);

    /// <summary>
    /// Streams: one row in memory at a time, so a register of any size is read in constant memory. Not repeated on a
    /// transient failure (rows already yielded cannot be taken back); the caller runs it again.
    /// </summary>
    public async IAsyncEnumerable<LatestInput> ReadLatestInputsAsync(string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenForReadAsync(cancellationToken);
        await foreach (var input in ReadLatestInputsAsync(connection, systemId, cancellationToken))
        {
            yield return input;
        }
    }

    /// <summary>Streams, as <see cref="ReadLatestInputsAsync(string?, CancellationToken)"/>; no payload is read or held.</summary>
    public async IAsyncEnumerable<LatestAssessment> ReadLatestAssessmentsAsync(string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenForReadAsync(cancellationToken);
        await foreach (var assessment in ReadLatestAssessmentsAsync(connection, systemId, cancellationToken))
        {
            yield return assessment;
        }
    }

    /// <summary>Every archived rule set, oldest activation first.</summary>
    protected abstract Task<IReadOnlyList<RuleSetArchive>> ReadRuleSetsAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The latest assessment of each system (of one system when named), ordered by system.</summary>
    protected abstract IAsyncEnumerable<LatestInput> ReadLatestInputsAsync(DbConnection connection, string? systemId, CancellationToken cancellationToken);

    /// <summary>The key of the latest assessment of each system (of one system when named), ordered by system.</summary>
    protected abstract IAsyncEnumerable<LatestAssessment> ReadLatestAssessmentsAsync(DbConnection connection, string? systemId, CancellationToken cancellationToken);
}

using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;

namespace Aims.Risk.Core.Storage;

/// <summary>SQLite: the archived rule sets and the latest input of each system.</summary>
public sealed partial class SqliteRiskRegister
{
    private const string SelectRuleSetsSql = """
        SELECT Hash, Version, Content, ActivatedAt
        FROM RuleSetVersions
        ORDER BY ActivatedAt, Hash;
        """;

    // The latest by time of assessment, walking IX_Assessments_SystemId (SystemId, AssessedAt) in order: no sort of the
    // payloads (a window function sorted them all in a temporary B-tree). The subquery picks one event per system even
    // when two share a millisecond (the index's own order decides, the same on every read).
    private const string SelectLatestInputsSql = """
        SELECT a.SystemId, a.EventId, a.AssessedAt, a.RuleSetVersion, a.RuleSetHash, a.Payload
        FROM Assessments AS a INDEXED BY IX_Assessments_SystemId
        WHERE a.EventId = (SELECT b.EventId FROM Assessments AS b INDEXED BY IX_Assessments_SystemId
                           WHERE b.SystemId = a.SystemId
                           ORDER BY b.AssessedAt DESC
                           LIMIT 1)
        ORDER BY a.SystemId;
        """;

    // One system's: a seek into the same index, in the same order, so the same event wins a tie. (With "@SystemId IS
    // NULL OR" in the statement above, SQLite walked the whole index for one system: a re-assessment scanned every
    // system's latest assessment, and 100,000 of them took the CPU from new events.)
    private const string SelectLatestInputOfSystemSql = """
        SELECT a.SystemId, a.EventId, a.AssessedAt, a.RuleSetVersion, a.RuleSetHash, a.Payload
        FROM Assessments AS a INDEXED BY IX_Assessments_SystemId
        WHERE a.SystemId = @SystemId
        ORDER BY a.AssessedAt DESC
        LIMIT 1;
        """;

    // The same rows as the two statements above, without the payload: what a re-assessment run enqueues.
    private const string SelectLatestAssessmentsSql = """
        SELECT a.SystemId, a.EventId, a.AssessedAt, a.RuleSetHash
        FROM Assessments AS a INDEXED BY IX_Assessments_SystemId
        WHERE a.EventId = (SELECT b.EventId FROM Assessments AS b INDEXED BY IX_Assessments_SystemId
                           WHERE b.SystemId = a.SystemId
                           ORDER BY b.AssessedAt DESC
                           LIMIT 1)
        ORDER BY a.SystemId;
        """;

    private const string SelectLatestAssessmentOfSystemSql = """
        SELECT a.SystemId, a.EventId, a.AssessedAt, a.RuleSetHash
        FROM Assessments AS a INDEXED BY IX_Assessments_SystemId
        WHERE a.SystemId = @SystemId
        ORDER BY a.AssessedAt DESC
        LIMIT 1;
        """;

    protected override async Task<IReadOnlyList<RuleSetArchive>> ReadRuleSetsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<RuleSetArchiveRow>(new CommandDefinition(SelectRuleSetsSql, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new RuleSetArchive(r.Version, r.Hash, r.Content, RegisterValues.ParseTimestamp(r.ActivatedAt)))];
    }

    protected override async IAsyncEnumerable<LatestInput> ReadLatestInputsAsync(DbConnection connection, string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var command = systemId is null
            ? new CommandDefinition(SelectLatestInputsSql, cancellationToken: cancellationToken)
            : new CommandDefinition(SelectLatestInputOfSystemSql, new { SystemId = systemId }, cancellationToken: cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(command);
        // By position, the payload as the UTF-8 bytes SQLite stores: no string of it is made, the diff parses the bytes.
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new LatestInput(
                reader.GetString(0),
                RegisterValues.ParseGuid(reader.GetString(1)),
                RegisterValues.ParseTimestamp(reader.GetString(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetFieldValue<byte[]>(5));
        }
    }

    protected override async IAsyncEnumerable<LatestAssessment> ReadLatestAssessmentsAsync(DbConnection connection, string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var command = systemId is null
            ? new CommandDefinition(SelectLatestAssessmentsSql, cancellationToken: cancellationToken)
            : new CommandDefinition(SelectLatestAssessmentOfSystemSql, new { SystemId = systemId }, cancellationToken: cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(command);
        var hash = "";
        while (await reader.ReadAsync(cancellationToken))
        {
            // Nearly every row names the same rule set: one string of its hash is kept, not one per system.
            var rowHash = reader.GetString(3);
            hash = string.Equals(hash, rowHash, StringComparison.Ordinal) ? hash : rowHash;
            yield return new LatestAssessment(
                reader.GetString(0),
                RegisterValues.ParseGuid(reader.GetString(1)),
                RegisterValues.ParseTimestamp(reader.GetString(2)),
                hash);
        }
    }

    private sealed class RuleSetArchiveRow
    {
        public string Hash { get; init; } = "";

        public string Version { get; init; } = "";

        public string Content { get; init; } = "";

        public string ActivatedAt { get; init; } = "";
    }
}

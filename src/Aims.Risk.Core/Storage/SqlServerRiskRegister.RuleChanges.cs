using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;

namespace Aims.Risk.Core.Storage;

/// <summary>SQL Server: the archived rule sets and the latest input of each system.</summary>
public sealed partial class SqlServerRiskRegister
{
    [SqlParameters(typeof(NoParameters))]
    internal const string SelectRuleSetsSql = """
        SELECT Hash, Version, Content, ActivatedAt
        FROM dbo.RuleSetVersions
        ORDER BY ActivatedAt, Hash;
        """;

    // The latest by time of assessment; the event id breaks a tie within one millisecond, so each system has one row.
    // Compiled for the value of @SystemId, so that one system's is a seek, not a scan of every system's assessments.
    [SqlParameters(typeof(SystemFilter))]
    internal const string SelectLatestInputsSql = """
        SELECT SystemId, EventId, AssessedAt, RuleSetVersion, RuleSetHash, Payload
        FROM (SELECT SystemId, EventId, AssessedAt, RuleSetVersion, RuleSetHash, Payload,
                     ROW_NUMBER() OVER (PARTITION BY SystemId ORDER BY AssessedAt DESC, EventId DESC) AS Position
              FROM dbo.Assessments
              WHERE @SystemId IS NULL OR SystemId = @SystemId) AS Ranked
        WHERE Position = 1
        ORDER BY SystemId
        OPTION (RECOMPILE);
        """;

    // The same rows as the statement above, without the payload: what a re-assessment run enqueues.
    [SqlParameters(typeof(SystemFilter))]
    internal const string SelectLatestAssessmentsSql = """
        SELECT SystemId, EventId, AssessedAt, RuleSetHash
        FROM (SELECT SystemId, EventId, AssessedAt, RuleSetHash,
                     ROW_NUMBER() OVER (PARTITION BY SystemId ORDER BY AssessedAt DESC, EventId DESC) AS Position
              FROM dbo.Assessments
              WHERE @SystemId IS NULL OR SystemId = @SystemId) AS Ranked
        WHERE Position = 1
        ORDER BY SystemId
        OPTION (RECOMPILE);
        """;

    protected override async Task<IReadOnlyList<RuleSetArchive>> ReadRuleSetsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<RuleSetRow>(new CommandDefinition(SelectRuleSetsSql, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new RuleSetArchive(r.Version, r.Hash, r.Content, r.ActivatedAt))];
    }

    protected override async IAsyncEnumerable<LatestInput> ReadLatestInputsAsync(DbConnection connection, string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(
            new CommandDefinition(SelectLatestInputsSql, new SystemFilter(systemId), cancellationToken: cancellationToken));
        var parse = reader.GetRowParser<LatestInputRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = parse(reader);
            yield return new LatestInput(row.SystemId, row.EventId, row.AssessedAt, row.RuleSetVersion, row.RuleSetHash, row.Payload);
        }
    }

    protected override async IAsyncEnumerable<LatestAssessment> ReadLatestAssessmentsAsync(DbConnection connection, string? systemId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(
            new CommandDefinition(SelectLatestAssessmentsSql, new SystemFilter(systemId), cancellationToken: cancellationToken));
        var parse = reader.GetRowParser<LatestAssessmentRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = parse(reader);
            yield return new LatestAssessment(row.SystemId, row.EventId, row.AssessedAt, row.RuleSetHash);
        }
    }

    private sealed record SystemFilter(string? SystemId);

    private sealed class LatestInputRow
    {
        public string SystemId { get; init; } = "";

        public Guid EventId { get; init; }

        public DateTimeOffset AssessedAt { get; init; }

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public string Payload { get; init; } = "";
    }

    private sealed class LatestAssessmentRow
    {
        public string SystemId { get; init; } = "";

        public Guid EventId { get; init; }

        public DateTimeOffset AssessedAt { get; init; }

        public string RuleSetHash { get; init; } = "";
    }
}

using Dapper;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>What the SQLite register holds, read directly with SQL as an auditor would.</summary>
public sealed class RegisterAudit(string databaseFile)
{
    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = databaseFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();

    public async Task<long> AssessmentCountAsync()
    {
        if (!File.Exists(databaseFile))
        {
            return 0;
        }

        await using var connection = new SqliteConnection(ConnectionString);
        try
        {
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM Assessments;");
        }
        catch (SqliteException)
        {
            return 0; // not migrated yet, or busy for an instant
        }
    }

    public async Task<Snapshot> ReadAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        var assessments = (await connection.QueryAsync<(string EventId, long Rows)>("SELECT EventId, COUNT(*) FROM Assessments GROUP BY EventId;"))
            .ToDictionary(r => Guid.Parse(r.EventId), r => r.Rows);
        var entries = (await connection.QueryAsync<(string EventId, string RuleId, string? TaskId)>("SELECT EventId, RuleId, TaskId FROM RiskEntries;")).ToList();
        return new Snapshot(
            assessments,
            entries.GroupBy(e => Guid.Parse(e.EventId)).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(e => e.RuleId).Order(StringComparer.Ordinal)]),
            [.. entries.Where(e => e.TaskId is not null).Select(e => Guid.Parse(e.TaskId!))]);
    }

    /// <param name="Assessments">Rows of Assessments per EventId.</param>
    /// <param name="RuleIds">RuleIds of RiskEntries per EventId, sorted, duplicates kept.</param>
    /// <param name="StoredTaskIds">TaskIds of RiskEntries.</param>
    public sealed record Snapshot(IReadOnlyDictionary<Guid, long> Assessments, IReadOnlyDictionary<Guid, IReadOnlyList<string>> RuleIds, IReadOnlyList<Guid> StoredTaskIds);
}

using System.Data.Common;
using Dapper;

namespace Aims.Risk.Core.Storage;

/// <summary>SQLite: submitted AI system impact assessments and the risks they cover.</summary>
public sealed partial class SqliteRiskRegister
{
    private const string SelectLatestImpactAssessmentSql = """
        SELECT AssessmentId, SystemId, Version, Purpose, ModelVersion, BasedOnEventId, RuleSetVersion, RuleSetHash,
               ContentFormat, Content, ContentHash, SubmittedBy, ApprovedBy, SubmittedAt, ReviewBy
        FROM ImpactAssessments
        WHERE SystemId = @SystemId
        ORDER BY Version DESC
        LIMIT 1;
        """;

    private const string SelectImpactAssessmentsSql = """
        SELECT AssessmentId, SystemId, Version, Purpose, ModelVersion, BasedOnEventId, RuleSetVersion, RuleSetHash,
               ContentFormat, Content, ContentHash, SubmittedBy, ApprovedBy, SubmittedAt, ReviewBy
        FROM ImpactAssessments
        WHERE SystemId = @SystemId
        ORDER BY Version DESC;
        """;

    private const string SelectImpactAssessmentRisksSql = """
        SELECT l.AssessmentId, l.RiskId, l.Resolved
        FROM ImpactAssessmentRisks AS l
        JOIN ImpactAssessments AS a ON a.AssessmentId = l.AssessmentId
        WHERE a.SystemId = @SystemId
        ORDER BY l.RiskId;
        """;

    private const string InsertImpactAssessmentSql = """
        INSERT INTO ImpactAssessments (AssessmentId, SystemId, Version, Purpose, ModelVersion, BasedOnEventId, RuleSetVersion, RuleSetHash,
                                       ContentFormat, Content, ContentHash, SubmittedBy, ApprovedBy, SubmittedAt, ReviewBy)
        VALUES (@AssessmentId, @SystemId, @Version, @Purpose, @ModelVersion, @BasedOnEventId, @RuleSetVersion, @RuleSetHash,
                @ContentFormat, @Content, @ContentHash, @SubmittedBy, @ApprovedBy, @SubmittedAt, @ReviewBy);
        """;

    private const string InsertImpactAssessmentRiskSql = """
        INSERT INTO ImpactAssessmentRisks (AssessmentId, RiskId, Resolved) VALUES (@AssessmentId, @RiskId, @Resolved);
        """;

    protected override async Task<ImpactAssessmentRecord?> ReadLatestImpactAssessmentAsync(DbConnection connection, DbTransaction? transaction, string systemId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ImpactAssessmentRow>(
            new CommandDefinition(SelectLatestImpactAssessmentSql, new { SystemId = systemId }, transaction, cancellationToken: cancellationToken));
        return row?.ToRecord([]);
    }

    protected override async Task InsertImpactAssessmentAsync(DbConnection connection, DbTransaction transaction, ImpactAssessmentRecord assessment, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(
            new CommandDefinition(InsertImpactAssessmentSql, ImpactAssessmentRow.From(assessment), transaction, cancellationToken: cancellationToken));

    protected override async Task InsertImpactAssessmentRiskAsync(DbConnection connection, DbTransaction transaction, Guid assessmentId, ImpactAssessmentRisk link, CancellationToken cancellationToken)
    {
        var parameters = new { AssessmentId = RegisterValues.FormatGuid(assessmentId), RiskId = RegisterValues.FormatGuid(link.RiskId), Resolved = link.Resolved ? 1 : 0 };
        _ = await connection.ExecuteAsync(new CommandDefinition(InsertImpactAssessmentRiskSql, parameters, transaction, cancellationToken: cancellationToken));
    }

    protected override async Task<IReadOnlyList<ImpactAssessmentRecord>> ReadImpactAssessmentsAsync(DbConnection connection, string systemId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ImpactAssessmentRow>(new CommandDefinition(SelectImpactAssessmentsSql, new { SystemId = systemId }, cancellationToken: cancellationToken));
        var links = (await connection.QueryAsync<ImpactAssessmentRiskRow>(new CommandDefinition(SelectImpactAssessmentRisksSql, new { SystemId = systemId }, cancellationToken: cancellationToken)))
            .ToLookup(l => l.AssessmentId, l => new ImpactAssessmentRisk(RegisterValues.ParseGuid(l.RiskId), l.Resolved != 0), StringComparer.Ordinal);
        return [.. rows.Select(r => r.ToRecord([.. links[r.AssessmentId]]))];
    }

    /// <summary>ImpactAssessments as SQLite stores them: text for UUIDs and timestamps.</summary>
    private sealed class ImpactAssessmentRow
    {
        public string AssessmentId { get; init; } = "";

        public string SystemId { get; init; } = "";

        public long Version { get; init; }

        public string Purpose { get; init; } = "";

        public string? ModelVersion { get; init; }

        public string BasedOnEventId { get; init; } = "";

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public string ContentFormat { get; init; } = "";

        public string Content { get; init; } = "";

        public string ContentHash { get; init; } = "";

        public string SubmittedBy { get; init; } = "";

        public string? ApprovedBy { get; init; }

        public string SubmittedAt { get; init; } = "";

        public string ReviewBy { get; init; } = "";

        public static ImpactAssessmentRow From(ImpactAssessmentRecord record) => new()
        {
            AssessmentId = RegisterValues.FormatGuid(record.AssessmentId),
            SystemId = record.SystemId,
            Version = record.Version,
            Purpose = record.Purpose,
            ModelVersion = record.ModelVersion,
            BasedOnEventId = RegisterValues.FormatGuid(record.BasedOnEventId),
            RuleSetVersion = record.RuleSetVersion,
            RuleSetHash = record.RuleSetHash,
            ContentFormat = record.ContentFormat,
            Content = record.Content,
            ContentHash = record.ContentHash,
            SubmittedBy = record.SubmittedBy,
            ApprovedBy = record.ApprovedBy,
            SubmittedAt = RegisterValues.FormatTimestamp(record.SubmittedAt),
            ReviewBy = RegisterValues.FormatTimestamp(record.ReviewBy),
        };

        public ImpactAssessmentRecord ToRecord(IReadOnlyList<ImpactAssessmentRisk> risks) => new()
        {
            AssessmentId = RegisterValues.ParseGuid(AssessmentId),
            SystemId = SystemId,
            Version = checked((int)Version),
            Purpose = Purpose,
            ModelVersion = ModelVersion,
            BasedOnEventId = RegisterValues.ParseGuid(BasedOnEventId),
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            ContentFormat = ContentFormat,
            Content = Content,
            ContentHash = ContentHash,
            SubmittedBy = SubmittedBy,
            ApprovedBy = ApprovedBy,
            SubmittedAt = RegisterValues.ParseTimestamp(SubmittedAt),
            ReviewBy = RegisterValues.ParseTimestamp(ReviewBy),
            Risks = risks,
        };
    }

    private sealed class ImpactAssessmentRiskRow
    {
        public string AssessmentId { get; init; } = "";

        public string RiskId { get; init; } = "";

        public long Resolved { get; init; }
    }
}

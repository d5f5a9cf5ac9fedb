using System.Data.Common;
using Dapper;

namespace Aims.Risk.Core.Storage;

/// <summary>SQL Server: submitted AI system impact assessments and the risks they cover.</summary>
public sealed partial class SqlServerRiskRegister
{
    [SqlParameters(typeof(SystemKey))]
    internal const string SelectLatestImpactAssessmentSql = """
        SELECT TOP (1) AssessmentId, SystemId, Version, Purpose, ModelVersion, BasedOnEventId, RuleSetVersion, RuleSetHash,
               ContentFormat, Content, ContentHash, SubmittedBy, ApprovedBy, SubmittedAt, ReviewBy
        FROM dbo.ImpactAssessments
        WHERE SystemId = @SystemId
        ORDER BY Version DESC;
        """;

    // UPDLOCK + HOLDLOCK lock the system's key range even before its first version: two submissions of one system
    // take turns, and the second numbers its version after the first.
    [SqlParameters(typeof(SystemKey))]
    internal const string SelectLatestImpactAssessmentForUpdateSql = """
        SELECT TOP (1) AssessmentId, SystemId, Version, Purpose, ModelVersion, BasedOnEventId, RuleSetVersion, RuleSetHash,
               ContentFormat, Content, ContentHash, SubmittedBy, ApprovedBy, SubmittedAt, ReviewBy
        FROM dbo.ImpactAssessments WITH (UPDLOCK, HOLDLOCK)
        WHERE SystemId = @SystemId
        ORDER BY Version DESC;
        """;

    [SqlParameters(typeof(SystemKey))]
    internal const string SelectImpactAssessmentsSql = """
        SELECT AssessmentId, SystemId, Version, Purpose, ModelVersion, BasedOnEventId, RuleSetVersion, RuleSetHash,
               ContentFormat, Content, ContentHash, SubmittedBy, ApprovedBy, SubmittedAt, ReviewBy
        FROM dbo.ImpactAssessments
        WHERE SystemId = @SystemId
        ORDER BY Version DESC;
        """;

    [SqlParameters(typeof(SystemKey))]
    internal const string SelectImpactAssessmentRisksSql = """
        SELECT l.AssessmentId, l.RiskId, l.Resolved
        FROM dbo.ImpactAssessmentRisks AS l
        JOIN dbo.ImpactAssessments AS a ON a.AssessmentId = l.AssessmentId
        WHERE a.SystemId = @SystemId
        ORDER BY l.RiskId;
        """;

    [SqlParameters(typeof(ImpactAssessmentRow))]
    internal const string InsertImpactAssessmentSql = """
        INSERT INTO dbo.ImpactAssessments (AssessmentId, SystemId, Version, Purpose, ModelVersion, BasedOnEventId, RuleSetVersion, RuleSetHash,
                                           ContentFormat, Content, ContentHash, SubmittedBy, ApprovedBy, SubmittedAt, ReviewBy)
        VALUES (@AssessmentId, @SystemId, @Version, @Purpose, @ModelVersion, @BasedOnEventId, @RuleSetVersion, @RuleSetHash,
                @ContentFormat, @Content, @ContentHash, @SubmittedBy, @ApprovedBy, @SubmittedAt, @ReviewBy);
        """;

    [SqlParameters(typeof(ImpactAssessmentRiskRow))]
    internal const string InsertImpactAssessmentRiskSql = """
        INSERT INTO dbo.ImpactAssessmentRisks (AssessmentId, RiskId, Resolved) VALUES (@AssessmentId, @RiskId, @Resolved);
        """;

    protected override async Task<ImpactAssessmentRecord?> ReadLatestImpactAssessmentAsync(DbConnection connection, DbTransaction? transaction, string systemId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ImpactAssessmentRow>(new CommandDefinition(
            transaction is null ? SelectLatestImpactAssessmentSql : SelectLatestImpactAssessmentForUpdateSql, new SystemKey(systemId), transaction, cancellationToken: cancellationToken));
        return row?.ToRecord([]);
    }

    protected override async Task InsertImpactAssessmentAsync(DbConnection connection, DbTransaction transaction, ImpactAssessmentRecord assessment, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(
            new CommandDefinition(InsertImpactAssessmentSql, ImpactAssessmentRow.From(assessment), transaction, cancellationToken: cancellationToken));

    protected override async Task InsertImpactAssessmentRiskAsync(DbConnection connection, DbTransaction transaction, Guid assessmentId, ImpactAssessmentRisk link, CancellationToken cancellationToken) =>
        _ = await connection.ExecuteAsync(new CommandDefinition(
            InsertImpactAssessmentRiskSql, new ImpactAssessmentRiskRow { AssessmentId = assessmentId, RiskId = link.RiskId, Resolved = link.Resolved }, transaction, cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<ImpactAssessmentRecord>> ReadImpactAssessmentsAsync(DbConnection connection, string systemId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ImpactAssessmentRow>(new CommandDefinition(SelectImpactAssessmentsSql, new SystemKey(systemId), cancellationToken: cancellationToken));
        var links = (await connection.QueryAsync<ImpactAssessmentRiskRow>(new CommandDefinition(SelectImpactAssessmentRisksSql, new SystemKey(systemId), cancellationToken: cancellationToken)))
            .ToLookup(l => l.AssessmentId, l => new ImpactAssessmentRisk(l.RiskId, l.Resolved));
        return [.. rows.Select(r => r.ToRecord([.. links[r.AssessmentId]]))];
    }

    private sealed class ImpactAssessmentRow
    {
        public Guid AssessmentId { get; init; }

        public string SystemId { get; init; } = "";

        public int Version { get; init; }

        public string Purpose { get; init; } = "";

        public string? ModelVersion { get; init; }

        public Guid BasedOnEventId { get; init; }

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public string ContentFormat { get; init; } = "";

        public string Content { get; init; } = "";

        public string ContentHash { get; init; } = "";

        public string SubmittedBy { get; init; } = "";

        public string? ApprovedBy { get; init; }

        public DateTimeOffset SubmittedAt { get; init; }

        public DateTimeOffset ReviewBy { get; init; }

        public static ImpactAssessmentRow From(ImpactAssessmentRecord record) => new()
        {
            AssessmentId = record.AssessmentId,
            SystemId = record.SystemId,
            Version = record.Version,
            Purpose = record.Purpose,
            ModelVersion = record.ModelVersion,
            BasedOnEventId = record.BasedOnEventId,
            RuleSetVersion = record.RuleSetVersion,
            RuleSetHash = record.RuleSetHash,
            ContentFormat = record.ContentFormat,
            Content = record.Content,
            ContentHash = record.ContentHash,
            SubmittedBy = record.SubmittedBy,
            ApprovedBy = record.ApprovedBy,
            SubmittedAt = RegisterValues.ToMilliseconds(record.SubmittedAt),
            ReviewBy = RegisterValues.ToMilliseconds(record.ReviewBy),
        };

        public ImpactAssessmentRecord ToRecord(IReadOnlyList<ImpactAssessmentRisk> risks) => new()
        {
            AssessmentId = AssessmentId,
            SystemId = SystemId,
            Version = Version,
            Purpose = Purpose,
            ModelVersion = ModelVersion,
            BasedOnEventId = BasedOnEventId,
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            ContentFormat = ContentFormat,
            Content = Content,
            ContentHash = ContentHash,
            SubmittedBy = SubmittedBy,
            ApprovedBy = ApprovedBy,
            SubmittedAt = SubmittedAt,
            ReviewBy = ReviewBy,
            Risks = risks,
        };
    }

    private sealed class ImpactAssessmentRiskRow
    {
        public Guid AssessmentId { get; init; }

        public Guid RiskId { get; init; }

        public bool Resolved { get; init; }
    }
}

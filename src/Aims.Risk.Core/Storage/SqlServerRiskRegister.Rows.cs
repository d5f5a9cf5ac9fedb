using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Storage;

/// <summary>The rows and parameter types of the register's statements, as SQL Server stores them.</summary>
public sealed partial class SqlServerRiskRegister
{
    private sealed record EventKey(Guid EventId);

    private sealed record EntryFilter(string? SystemId, int? MinimumRank, Guid? EventId, int Limit);

    private sealed record RuleSetRow(string Hash, string Version, string Content, DateTimeOffset ActivatedAt);

    private sealed record NoParameters;

    /// <summary>Assessments as SQL Server stores them.</summary>
    private sealed class AssessmentRow
    {
        public Guid EventId { get; init; }

        public string SystemId { get; init; } = "";

        public string ChangeType { get; init; } = "";

        public DateTimeOffset OccurredAt { get; init; }

        public DateTimeOffset AssessedAt { get; init; }

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public string Payload { get; init; } = "";

        public int FindingCount { get; init; }

        public string? RuleErrors { get; init; }

        public Guid? ReassessedEventId { get; init; }

        public static AssessmentRow From(AssessmentRecord record) => new()
        {
            EventId = record.EventId,
            SystemId = record.SystemId,
            ChangeType = record.ChangeType,
            OccurredAt = RegisterValues.ToMilliseconds(record.OccurredAt),
            AssessedAt = RegisterValues.ToMilliseconds(record.AssessedAt),
            RuleSetVersion = record.RuleSetVersion,
            RuleSetHash = record.RuleSetHash,
            Payload = record.Payload,
            FindingCount = record.Entries.Count,
            RuleErrors = RegisterValues.FormatRuleErrors(record.RuleErrors),
            ReassessedEventId = record.ReassessedEventId,
        };

        public AssessmentRecord ToRecord(IReadOnlyList<RiskEntryRecord> entries) => new()
        {
            EventId = EventId,
            SystemId = SystemId,
            ChangeType = ChangeType,
            OccurredAt = OccurredAt,
            AssessedAt = AssessedAt,
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            Payload = Payload,
            Entries = entries,
            RuleErrors = RegisterValues.ParseRuleErrors(RuleErrors),
            ReassessedEventId = ReassessedEventId,
        };
    }

    /// <summary>RiskEntries as SQL Server stores them.</summary>
    internal sealed class EntryRow
    {
        public Guid Id { get; init; }

        public Guid EventId { get; init; }

        public Guid? RiskId { get; init; }

        public string SystemId { get; init; } = "";

        public string RuleId { get; init; } = "";

        public string Category { get; init; } = "";

        public string Title { get; init; } = "";

        public string Rationale { get; init; } = "";

        public int Likelihood { get; init; }

        public int Impact { get; init; }

        public int Score { get; init; }

        public string Level { get; init; } = "";

        public byte LevelRank { get; init; }

        public string Treatment { get; init; } = "";

        public string Controls { get; init; } = "";

        public string Nist { get; init; } = "";

        public string? MitDomain { get; init; }

        public string? Guidance { get; init; }

        public string Status { get; init; } = "";

        public Guid? TaskId { get; init; }

        public DateTimeOffset? DueBy { get; init; }

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public DateTimeOffset CreatedAt { get; init; }

        public static EntryRow From(RiskEntryRecord record) => new()
        {
            Id = record.Id,
            EventId = record.EventId,
            RiskId = record.RiskId,
            SystemId = record.SystemId,
            RuleId = record.RuleId,
            Category = record.Category,
            Title = record.Title,
            Rationale = record.Rationale,
            Likelihood = record.Likelihood,
            Impact = record.Impact,
            Score = record.Score,
            Level = record.Level.ToString(),
            LevelRank = checked((byte)RegisterValues.Rank(record.Level)),
            Treatment = record.Treatment.ToString(),
            Controls = RegisterValues.JoinControls(record.Controls),
            Nist = RegisterValues.JoinControls(record.Nist),
            MitDomain = record.MitDomain,
            Guidance = record.Guidance,
            Status = record.Status.ToString(),
            TaskId = record.TaskId,
            DueBy = record.DueBy is { } dueBy ? RegisterValues.ToMilliseconds(dueBy) : null,
            RuleSetVersion = record.RuleSetVersion,
            RuleSetHash = record.RuleSetHash,
            CreatedAt = RegisterValues.ToMilliseconds(record.CreatedAt),
        };

        public RiskEntryRecord ToRecord() => new()
        {
            Id = Id,
            EventId = EventId,
            RiskId = RiskId ?? Guid.Empty,
            SystemId = SystemId,
            RuleId = RuleId,
            Category = Category,
            Title = Title,
            Rationale = Rationale,
            Likelihood = Likelihood,
            Impact = Impact,
            Score = Score,
            Level = RegisterValues.ParseName<RiskLevel>(Level),
            Treatment = RegisterValues.ParseName<Treatment>(Treatment),
            Controls = RegisterValues.SplitControls(Controls),
            Nist = RegisterValues.SplitControls(Nist),
            MitDomain = MitDomain,
            Guidance = Guidance,
            Status = RegisterValues.ParseName<RiskEntryStatus>(Status),
            TaskId = TaskId,
            DueBy = DueBy,
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            CreatedAt = CreatedAt,
        };
    }
}

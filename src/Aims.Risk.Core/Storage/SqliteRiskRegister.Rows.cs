using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Storage;

/// <summary>The rows of the register's tables as SQLite stores them: text UUIDs and UTC timestamps.</summary>
public sealed partial class SqliteRiskRegister
{
    private sealed class AssessmentRow
    {
        public string EventId { get; init; } = "";

        public string SystemId { get; init; } = "";

        public string ChangeType { get; init; } = "";

        public string OccurredAt { get; init; } = "";

        public string AssessedAt { get; init; } = "";

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public string Payload { get; init; } = "";

        public long FindingCount { get; init; }

        public string? RuleErrors { get; init; }

        public string? ReassessedEventId { get; init; }

        public static AssessmentRow From(AssessmentRecord record) => new()
        {
            EventId = RegisterValues.FormatGuid(record.EventId),
            SystemId = record.SystemId,
            ChangeType = record.ChangeType,
            OccurredAt = RegisterValues.FormatTimestamp(record.OccurredAt),
            AssessedAt = RegisterValues.FormatTimestamp(record.AssessedAt),
            RuleSetVersion = record.RuleSetVersion,
            RuleSetHash = record.RuleSetHash,
            Payload = record.Payload,
            FindingCount = record.Entries.Count,
            RuleErrors = RegisterValues.FormatRuleErrors(record.RuleErrors),
            ReassessedEventId = record.ReassessedEventId is { } reassessed ? RegisterValues.FormatGuid(reassessed) : null,
        };

        public AssessmentRecord ToRecord(IReadOnlyList<RiskEntryRecord> entries) => new()
        {
            EventId = RegisterValues.ParseGuid(EventId),
            SystemId = SystemId,
            ChangeType = ChangeType,
            OccurredAt = RegisterValues.ParseTimestamp(OccurredAt),
            AssessedAt = RegisterValues.ParseTimestamp(AssessedAt),
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            Payload = Payload,
            Entries = entries,
            RuleErrors = RegisterValues.ParseRuleErrors(RuleErrors),
            ReassessedEventId = ReassessedEventId is null ? null : RegisterValues.ParseGuid(ReassessedEventId),
        };
    }

    /// <summary>RiskEntries as SQLite stores them.</summary>
    private sealed class EntryRow
    {
        public string Id { get; init; } = "";

        public string EventId { get; init; } = "";

        public string? RiskId { get; init; }

        public string SystemId { get; init; } = "";

        public string RuleId { get; init; } = "";

        public string Category { get; init; } = "";

        public string Title { get; init; } = "";

        public string Rationale { get; init; } = "";

        public long Likelihood { get; init; }

        public long Impact { get; init; }

        public long Score { get; init; }

        public string Level { get; init; } = "";

        public long LevelRank { get; init; }

        public string Treatment { get; init; } = "";

        public string Controls { get; init; } = "";

        public string Nist { get; init; } = "";

        public string? MitDomain { get; init; }

        public string? Guidance { get; init; }

        public string Status { get; init; } = "";

        public string? TaskId { get; init; }

        public string? DueBy { get; init; }

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public string CreatedAt { get; init; } = "";

        public static EntryRow From(RiskEntryRecord record) => new()
        {
            Id = RegisterValues.FormatGuid(record.Id),
            EventId = RegisterValues.FormatGuid(record.EventId),
            RiskId = RegisterValues.FormatGuid(record.RiskId),
            SystemId = record.SystemId,
            RuleId = record.RuleId,
            Category = record.Category,
            Title = record.Title,
            Rationale = record.Rationale,
            Likelihood = record.Likelihood,
            Impact = record.Impact,
            Score = record.Score,
            Level = record.Level.ToString(),
            LevelRank = RegisterValues.Rank(record.Level),
            Treatment = record.Treatment.ToString(),
            Controls = RegisterValues.JoinControls(record.Controls),
            Nist = RegisterValues.JoinControls(record.Nist),
            MitDomain = record.MitDomain,
            Guidance = record.Guidance,
            Status = record.Status.ToString(),
            TaskId = record.TaskId is { } taskId ? RegisterValues.FormatGuid(taskId) : null,
            DueBy = record.DueBy is { } dueBy ? RegisterValues.FormatTimestamp(dueBy) : null,
            RuleSetVersion = record.RuleSetVersion,
            RuleSetHash = record.RuleSetHash,
            CreatedAt = RegisterValues.FormatTimestamp(record.CreatedAt),
        };

        public RiskEntryRecord ToRecord() => new()
        {
            Id = RegisterValues.ParseGuid(Id),
            EventId = RegisterValues.ParseGuid(EventId),

            // Entries recorded before the register kept risks have none until the start-up derivation links them.
            RiskId = RiskId is null ? Guid.Empty : RegisterValues.ParseGuid(RiskId),
            SystemId = SystemId,
            RuleId = RuleId,
            Category = Category,
            Title = Title,
            Rationale = Rationale,
            Likelihood = checked((int)Likelihood),
            Impact = checked((int)Impact),
            Score = checked((int)Score),
            Level = RegisterValues.ParseName<RiskLevel>(Level),
            Treatment = RegisterValues.ParseName<Treatment>(Treatment),
            Controls = RegisterValues.SplitControls(Controls),
            Nist = RegisterValues.SplitControls(Nist),
            MitDomain = MitDomain,
            Guidance = Guidance,
            Status = RegisterValues.ParseName<RiskEntryStatus>(Status),
            TaskId = TaskId is null ? null : RegisterValues.ParseGuid(TaskId),
            DueBy = DueBy is null ? null : RegisterValues.ParseTimestamp(DueBy),
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            CreatedAt = RegisterValues.ParseTimestamp(CreatedAt),
        };
    }
}

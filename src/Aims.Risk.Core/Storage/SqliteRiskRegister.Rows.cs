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

    private sealed class RiskRow
    {
        public string RiskId { get; init; } = "";

        public string SystemId { get; init; } = "";

        public string RuleId { get; init; } = "";

        public string Category { get; init; } = "";

        public string Title { get; init; } = "";

        public string Owner { get; init; } = "";

        public string Status { get; init; } = "";

        public long Likelihood { get; init; }

        public long Impact { get; init; }

        public long Score { get; init; }

        public string Level { get; init; } = "";

        public long LevelRank { get; init; }

        public long? ResidualLikelihood { get; init; }

        public long? ResidualImpact { get; init; }

        public string Controls { get; init; } = "";

        public string? ResidualLevel { get; init; }

        public string? AcceptedBy { get; init; }

        public string? AcceptedUntil { get; init; }

        public string? DueBy { get; init; }

        public string? OpenTaskId { get; init; }

        public string FirstSeenAt { get; init; } = "";

        public string LastSeenAt { get; init; } = "";

        public string LastEventId { get; init; } = "";

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public string? OverdueNoticeFor { get; init; }

        public long Version { get; init; }

        public long ReadVersion { get; init; }

        public static RiskRow From(RiskRecord r, long readVersion) => new()
        {
            RiskId = RegisterValues.FormatGuid(r.RiskId),
            SystemId = r.SystemId,
            RuleId = r.RuleId,
            Category = r.Category,
            Title = r.Title,
            Owner = r.Owner,
            Status = r.Status.ToString(),
            Likelihood = r.Likelihood,
            Impact = r.Impact,
            Score = r.Score,
            Level = r.Level.ToString(),
            LevelRank = RegisterValues.Rank(r.Level),
            ResidualLikelihood = r.ResidualLikelihood,
            ResidualImpact = r.ResidualImpact,
            Controls = RegisterValues.JoinControls(r.Controls),
            ResidualLevel = r.ResidualLevel?.ToString(),
            AcceptedBy = r.AcceptedBy,
            AcceptedUntil = Format(r.AcceptedUntil),
            DueBy = Format(r.DueBy),
            OpenTaskId = Format(r.OpenTaskId),
            FirstSeenAt = RegisterValues.FormatTimestamp(r.FirstSeenAt),
            LastSeenAt = RegisterValues.FormatTimestamp(r.LastSeenAt),
            LastEventId = RegisterValues.FormatGuid(r.LastEventId),
            RuleSetVersion = r.RuleSetVersion,
            RuleSetHash = r.RuleSetHash,
            OverdueNoticeFor = Format(r.OverdueNoticeFor),
            Version = r.Version,
            ReadVersion = readVersion,
        };

        public RiskRecord ToRecord() => new()
        {
            RiskId = RegisterValues.ParseGuid(RiskId),
            SystemId = SystemId,
            RuleId = RuleId,
            Category = Category,
            Title = Title,
            Owner = Owner,
            Status = RegisterValues.ParseName<RiskStatus>(Status),
            Likelihood = checked((int)Likelihood),
            Impact = checked((int)Impact),
            Score = checked((int)Score),
            Level = RegisterValues.ParseName<RiskLevel>(Level),
            ResidualLikelihood = ResidualLikelihood is { } rl ? checked((int)rl) : null,
            ResidualImpact = ResidualImpact is { } ri ? checked((int)ri) : null,
            Controls = RegisterValues.SplitControls(Controls),
            ResidualLevel = ParseOptional<RiskLevel>(ResidualLevel),
            AcceptedBy = AcceptedBy,
            AcceptedUntil = ParseOptionalTimestamp(AcceptedUntil),
            DueBy = ParseOptionalTimestamp(DueBy),
            OpenTaskId = ParseOptionalGuid(OpenTaskId),
            FirstSeenAt = RegisterValues.ParseTimestamp(FirstSeenAt),
            LastSeenAt = RegisterValues.ParseTimestamp(LastSeenAt),
            LastEventId = RegisterValues.ParseGuid(LastEventId),
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            OverdueNoticeFor = ParseOptionalTimestamp(OverdueNoticeFor),
            Version = Version,
        };
    }

    /// <summary>RiskHistory as SQLite stores it.</summary>
    private sealed class HistoryRow
    {
        public string ChangeId { get; init; } = "";

        public string RiskId { get; init; } = "";

        public string At { get; init; } = "";

        public string? FromStatus { get; init; }

        public string ToStatus { get; init; } = "";

        public string Actor { get; init; } = "";

        public string Reason { get; init; } = "";

        public string? EventId { get; init; }

        public string? UpdateId { get; init; }

        public string Level { get; init; } = "";

        public string? ResidualLevel { get; init; }

        public string? TaskId { get; init; }

        public static HistoryRow From(RiskHistoryRecord h) => new()
        {
            ChangeId = RegisterValues.FormatGuid(h.ChangeId),
            RiskId = RegisterValues.FormatGuid(h.RiskId),
            At = RegisterValues.FormatTimestamp(h.At),
            FromStatus = h.FromStatus?.ToString(),
            ToStatus = h.ToStatus.ToString(),
            Actor = h.Actor,
            Reason = h.Reason,
            EventId = Format(h.EventId),
            UpdateId = Format(h.UpdateId),
            Level = h.Level.ToString(),
            ResidualLevel = h.ResidualLevel?.ToString(),
            TaskId = Format(h.TaskId),
        };

        public RiskHistoryRecord ToRecord() => new()
        {
            ChangeId = RegisterValues.ParseGuid(ChangeId),
            RiskId = RegisterValues.ParseGuid(RiskId),
            At = RegisterValues.ParseTimestamp(At),
            FromStatus = ParseOptional<RiskStatus>(FromStatus),
            ToStatus = RegisterValues.ParseName<RiskStatus>(ToStatus),
            Actor = Actor,
            Reason = Reason,
            EventId = ParseOptionalGuid(EventId),
            UpdateId = ParseOptionalGuid(UpdateId),
            Level = RegisterValues.ParseName<RiskLevel>(Level),
            ResidualLevel = ParseOptional<RiskLevel>(ResidualLevel),
            TaskId = ParseOptionalGuid(TaskId),
        };
    }

    /// <summary>Outbox as SQLite stores it.</summary>
    private sealed class OutboxRow
    {
        public string MessageId { get; init; } = "";

        public string MessageType { get; init; } = "";

        public string Body { get; init; } = "";

        public string CreatedAt { get; init; } = "";

        public string? PublishedAt { get; init; }

        public OutboxMessage ToRecord() => new()
        {
            MessageId = RegisterValues.ParseGuid(MessageId),
            MessageType = MessageType,
            Body = Body,
            CreatedAt = RegisterValues.ParseTimestamp(CreatedAt),
            PublishedAt = ParseOptionalTimestamp(PublishedAt),
        };
    }
}

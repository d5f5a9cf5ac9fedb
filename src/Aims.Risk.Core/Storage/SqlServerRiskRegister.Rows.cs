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

    internal sealed record KeyParameter(Guid Key);

    internal sealed record SystemKey(string SystemId);

    internal sealed record LimitParameter(int Limit);

    internal sealed record RiskFilter(string? SystemId, string? Status, int? MinimumRank, int Limit);

    /// <summary>The statuses travel as parameters too: the statement holds no literal values.</summary>
    internal sealed record DueFilter(DateTimeOffset Now, int Limit)
    {
        public string Accepted { get; } = nameof(RiskStatus.Accepted);

        public string TreatmentRequested { get; } = nameof(RiskStatus.TreatmentRequested);

        public string InTreatment { get; } = nameof(RiskStatus.InTreatment);
    }

    internal sealed record EntriesOfRisk(Guid RiskId, int Limit);

    internal sealed record EntryRisk(Guid Id, Guid RiskId);

    internal sealed record Published(Guid MessageId, DateTimeOffset PublishedAt);

    /// <summary>Risks as SQL Server stores them.</summary>
    internal sealed class RiskRow
    {
        public Guid RiskId { get; init; }

        public string SystemId { get; init; } = "";

        public string RuleId { get; init; } = "";

        public string Category { get; init; } = "";

        public string Title { get; init; } = "";

        public string Owner { get; init; } = "";

        public string Status { get; init; } = "";

        public int Likelihood { get; init; }

        public int Impact { get; init; }

        public int Score { get; init; }

        public string Level { get; init; } = "";

        public byte LevelRank { get; init; }

        public int? ResidualLikelihood { get; init; }

        public int? ResidualImpact { get; init; }

        public string Controls { get; init; } = "";

        public string? ResidualLevel { get; init; }

        public string? AcceptedBy { get; init; }

        public DateTimeOffset? AcceptedUntil { get; init; }

        public DateTimeOffset? DueBy { get; init; }

        public Guid? OpenTaskId { get; init; }

        public DateTimeOffset FirstSeenAt { get; init; }

        public DateTimeOffset LastSeenAt { get; init; }

        public Guid LastEventId { get; init; }

        public string RuleSetVersion { get; init; } = "";

        public string RuleSetHash { get; init; } = "";

        public DateTimeOffset? OverdueNoticeFor { get; init; }

        public long Version { get; init; }

        public long ReadVersion { get; init; }

        public static RiskRow From(RiskRecord r, long readVersion) => new()
        {
            RiskId = r.RiskId,
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
            LevelRank = checked((byte)RegisterValues.Rank(r.Level)),
            ResidualLikelihood = r.ResidualLikelihood,
            ResidualImpact = r.ResidualImpact,
            Controls = RegisterValues.JoinControls(r.Controls),
            ResidualLevel = r.ResidualLevel?.ToString(),
            AcceptedBy = r.AcceptedBy,
            AcceptedUntil = Milliseconds(r.AcceptedUntil),
            DueBy = Milliseconds(r.DueBy),
            OpenTaskId = r.OpenTaskId,
            FirstSeenAt = RegisterValues.ToMilliseconds(r.FirstSeenAt),
            LastSeenAt = RegisterValues.ToMilliseconds(r.LastSeenAt),
            LastEventId = r.LastEventId,
            RuleSetVersion = r.RuleSetVersion,
            RuleSetHash = r.RuleSetHash,
            OverdueNoticeFor = Milliseconds(r.OverdueNoticeFor),
            Version = r.Version,
            ReadVersion = readVersion,
        };

        public RiskRecord ToRecord() => new()
        {
            RiskId = RiskId,
            SystemId = SystemId,
            RuleId = RuleId,
            Category = Category,
            Title = Title,
            Owner = Owner,
            Status = RegisterValues.ParseName<RiskStatus>(Status),
            Likelihood = Likelihood,
            Impact = Impact,
            Score = Score,
            Level = RegisterValues.ParseName<RiskLevel>(Level),
            ResidualLikelihood = ResidualLikelihood,
            ResidualImpact = ResidualImpact,
            Controls = RegisterValues.SplitControls(Controls),
            ResidualLevel = ParseOptional<RiskLevel>(ResidualLevel),
            AcceptedBy = AcceptedBy,
            AcceptedUntil = AcceptedUntil,
            DueBy = DueBy,
            OpenTaskId = OpenTaskId,
            FirstSeenAt = FirstSeenAt,
            LastSeenAt = LastSeenAt,
            LastEventId = LastEventId,
            RuleSetVersion = RuleSetVersion,
            RuleSetHash = RuleSetHash,
            OverdueNoticeFor = OverdueNoticeFor,
            Version = Version,
        };
    }

    /// <summary>RiskHistory as SQL Server stores it.</summary>
    internal sealed class HistoryRow
    {
        public Guid ChangeId { get; init; }

        public Guid RiskId { get; init; }

        public DateTimeOffset At { get; init; }

        public string? FromStatus { get; init; }

        public string ToStatus { get; init; } = "";

        public string Actor { get; init; } = "";

        public string Reason { get; init; } = "";

        public Guid? EventId { get; init; }

        public Guid? UpdateId { get; init; }

        public string Level { get; init; } = "";

        public string? ResidualLevel { get; init; }

        public Guid? TaskId { get; init; }

        public static HistoryRow From(RiskHistoryRecord h) => new()
        {
            ChangeId = h.ChangeId,
            RiskId = h.RiskId,
            At = RegisterValues.ToMilliseconds(h.At),
            FromStatus = h.FromStatus?.ToString(),
            ToStatus = h.ToStatus.ToString(),
            Actor = h.Actor,
            Reason = h.Reason,
            EventId = h.EventId,
            UpdateId = h.UpdateId,
            Level = h.Level.ToString(),
            ResidualLevel = h.ResidualLevel?.ToString(),
            TaskId = h.TaskId,
        };

        public RiskHistoryRecord ToRecord() => new()
        {
            ChangeId = ChangeId,
            RiskId = RiskId,
            At = At,
            FromStatus = ParseOptional<RiskStatus>(FromStatus),
            ToStatus = RegisterValues.ParseName<RiskStatus>(ToStatus),
            Actor = Actor,
            Reason = Reason,
            EventId = EventId,
            UpdateId = UpdateId,
            Level = RegisterValues.ParseName<RiskLevel>(Level),
            ResidualLevel = ParseOptional<RiskLevel>(ResidualLevel),
            TaskId = TaskId,
        };
    }

    /// <summary>Outbox as SQL Server stores it.</summary>
    internal sealed class OutboxRow
    {
        public Guid MessageId { get; init; }

        public string MessageType { get; init; } = "";

        public string Body { get; init; } = "";

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? PublishedAt { get; init; }

        public OutboxMessage ToRecord() => new()
        {
            MessageId = MessageId,
            MessageType = MessageType,
            Body = Body,
            CreatedAt = CreatedAt,
            PublishedAt = PublishedAt,
        };
    }
}

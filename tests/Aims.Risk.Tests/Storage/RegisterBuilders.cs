using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Tests.Storage;

/// <summary>Short ways to make register records; tests change what matters with <c>with</c>.</summary>
internal static class RegisterBuilders
{
    /// <summary>Millisecond precision, as both stores keep it, and a non-UTC offset.</summary>
    public static readonly DateTimeOffset At = new(2026, 11, 29, 4, 51, 11, 123, TimeSpan.FromHours(1));

    public static AssessmentRecord Assessment(string systemId = "credit-scoring", params string[] ruleIds)
    {
        var eventId = Guid.NewGuid();
        return new AssessmentRecord
        {
            EventId = eventId,
            SystemId = systemId,
            ChangeType = nameof(ChangeType.ModelRetrained),
            OccurredAt = At,
            AssessedAt = At.AddSeconds(2),
            RuleSetVersion = "1.4.0",
            RuleSetHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            Payload = $$"""{"eventId":"{{eventId}}","systemId":"{{systemId}}","changeType":"ModelRetrained"}""",
            Entries = [.. ruleIds.Select(ruleId => Entry(eventId, systemId, ruleId))],
        };
    }

    public static RiskEntryRecord Entry(Guid eventId, string systemId, string ruleId, RiskLevel level = RiskLevel.High) => new()
    {
        Id = Guid.NewGuid(),
        EventId = eventId,
        RiskId = RiskIds.For(systemId, ruleId),
        SystemId = systemId,
        RuleId = ruleId,
        Category = "privacy",
        Title = $"Finding of {ruleId}",
        Rationale = "datasets[0].consentBasis is null",
        Likelihood = 4,
        Impact = 4,
        Score = 16,
        Level = level,
        Treatment = Treatment.Mitigate,
        Controls = ["A.7.2", "A.7.5"],
        Status = level >= RiskLevel.High ? RiskEntryStatus.TreatmentRequested : RiskEntryStatus.Accepted,
        TaskId = level >= RiskLevel.High ? Guid.NewGuid() : null,
        DueBy = level >= RiskLevel.High ? At.AddDays(14) : null,
        RuleSetVersion = "1.4.0",
        RuleSetHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        CreatedAt = At.AddSeconds(2),
    };

    /// <summary>The same assessment as a new run would produce it: same event and payload, new ids.</summary>
    public static AssessmentRecord Rerun(AssessmentRecord assessment) => assessment with
    {
        AssessedAt = assessment.AssessedAt.AddMinutes(5),
        Entries = [.. assessment.Entries.Select(entry => entry with
        {
            Id = Guid.NewGuid(),
            TaskId = entry.TaskId is null ? null : Guid.NewGuid(),
            Title = entry.Title + " (rerun)",
        })],
    };

    public static string UniqueSystem(string name) => $"{name}-{Guid.NewGuid():N}";
}

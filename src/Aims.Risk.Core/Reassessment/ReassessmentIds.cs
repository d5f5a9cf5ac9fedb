using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Core.Reassessment;

/// <summary>Name-based UUIDs (v5, the namespace of <see cref="TaskIds"/>) of re-assessments.</summary>
public static class ReassessmentIds
{
    /// <summary>
    /// The event id a re-assessment is recorded under: of the rule set, the system and the event re-assessed. A
    /// redelivered message, or the same run enqueued again, records a duplicate; a new rule set or a newer input makes
    /// a new one. The tasks it requests get their ids from it, as for any event.
    /// </summary>
    public static Guid DerivedEvent(string ruleSetHash, string systemId, Guid eventId) =>
        TaskIds.NameBased($"reassessment/{ruleSetHash}/{systemId}/{eventId:D}");

    /// <summary>The broker message id of a run's message for one system.</summary>
    public static Guid Message(Guid runId, string systemId) => TaskIds.NameBased($"reassessment-message/{runId:D}/{systemId}");

    public static string ActivationKey(string ruleSetHash) => $"activation:{ruleSetHash}";

    /// <summary>One planned run per rule set and day, whichever replica asks first.</summary>
    public static string IntervalKey(string ruleSetHash, DateTimeOffset now) => $"interval:{ruleSetHash}:{now.UtcDateTime:yyyy-MM-dd}";

    public static string DemandKey(Guid runId) => $"demand:{runId:D}";
}

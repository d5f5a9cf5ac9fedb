using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Core.Risks;

/// <summary>
/// The deterministic ids of the lifecycle: name-based UUIDs (version 5, the namespace of task ids), so every replica
/// and every redelivery derives the same id for the same risk, transition or task.
/// </summary>
public static class RiskIds
{
    /// <summary>A risk is one (system, rule) pair: UUIDv5 of <c>risk/&lt;systemId&gt;/&lt;ruleId&gt;</c>.</summary>
    public static Guid For(string systemId, string ruleId) => TaskIds.NameBased($"risk/{systemId}/{ruleId}");

    /// <summary>The transition an event caused on a risk.</summary>
    public static Guid ChangeByEvent(Guid riskId, Guid eventId) => TaskIds.NameBased($"change/{riskId:D}/event/{eventId:D}");

    /// <summary>The transition an owner's update caused.</summary>
    public static Guid ChangeByUpdate(Guid riskId, Guid updateId) => TaskIds.NameBased($"change/{riskId:D}/update/{updateId:D}");

    /// <summary>The reopening of an acceptance that expired: one per acceptance, however many sweeps see it.</summary>
    public static Guid ChangeByExpiry(Guid riskId, DateTimeOffset acceptedUntil) => TaskIds.NameBased($"change/{riskId:D}/expired/{acceptedUntil.UtcTicks}");

    /// <summary>The overdue notice of one due date.</summary>
    public static Guid OverdueNotice(Guid riskId, DateTimeOffset dueBy) => TaskIds.NameBased($"change/{riskId:D}/overdue/{dueBy.UtcTicks}");

    /// <summary>The task of a transition that is not an event's (reopening, expiry).</summary>
    public static Guid TaskOf(Guid changeId) => TaskIds.NameBased($"task/{changeId:D}");
}

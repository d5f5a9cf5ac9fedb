namespace Aims.Risk.Core.Consumers;

/// <summary>The broker names of docs/contracts.md: a contract with publishers and risk owners.</summary>
public static class Topology
{
    /// <summary>The input queue, and the fanout exchange of the same name bound to it.</summary>
    public const string InputQueue = "aims.risk.ai-system-changes";

    /// <summary>Where refused messages go, with the reason in the <c>MT-Fault-Message</c> header.</summary>
    public const string ErrorQueue = InputQueue + "_error";

    /// <summary>The topic exchange of treatment tasks; routing key <c>&lt;category&gt;.&lt;level&gt;</c>.</summary>
    public const string TasksExchange = "aims.risk.treatment-tasks";

    /// <summary>
    /// The fanout exchange, and the durable queue bound to it, that receive the tasks no subscriber's queue took: the
    /// tasks exchange's alternate exchange, set by a broker policy (see docs/operations.md).
    /// </summary>
    public const string UnroutedTasks = TasksExchange + ".unrouted";

    /// <summary>Where owners send <c>RiskTreatmentUpdated</c>.</summary>
    public const string UpdatesQueue = "aims.risk.treatment-updates";

    /// <summary>Where refused updates go, with the reason in the <c>MT-Fault-Message</c> header.</summary>
    public const string UpdatesErrorQueue = UpdatesQueue + "_error";

    /// <summary>Re-assessment messages between replicas (one per system of a run), consumed by every replica.</summary>
    public const string ReassessmentQueue = "aims.risk.reassessments";

    /// <summary>The topic exchange of <c>RiskStatusChanged</c>; routing key <c>&lt;category&gt;.&lt;status&gt;</c>.</summary>
    public const string RiskEventsExchange = "aims.risk.risk-events";
}

namespace Aims.Risk.Core.Consumers;

/// <summary>The broker names of DESIGN.md: a contract with publishers and risk owners.</summary>
public static class Topology
{
    /// <summary>The input queue, and the fanout exchange of the same name bound to it.</summary>
    public const string InputQueue = "aims.risk.ai-system-changes";

    /// <summary>Where refused messages go, with the reason in the <c>MT-Fault-Message</c> header.</summary>
    public const string ErrorQueue = InputQueue + "_error";

    /// <summary>The topic exchange of treatment tasks; routing key <c>&lt;category&gt;.&lt;level&gt;</c>.</summary>
    public const string TasksExchange = "aims.risk.treatment-tasks";
}

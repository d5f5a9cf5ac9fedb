namespace Aims.Risk.Contracts;

public sealed record EvaluationInfo
{
    public bool? BiasTestingPerformed { get; init; }

    public bool? RobustnessTestingPerformed { get; init; }

    public bool? HumanReviewCompleted { get; init; }

    public bool? ExplainabilityAvailable { get; init; }
}

namespace Aims.Risk.Contracts;

public sealed record EvaluationInfo
{
    public bool? BiasTestingPerformed { get; init; }

    public bool? RobustnessTestingPerformed { get; init; }

    public bool? HumanReviewCompleted { get; init; }

    public bool? ExplainabilityAvailable { get; init; }

    /// <summary>Generated output was evaluated for fabricated or unsupported statements (groundedness, factuality).</summary>
    public bool? HallucinationTestingPerformed { get; init; }

    /// <summary>Input and prediction drift are monitored in production with alert thresholds.</summary>
    public bool? DriftMonitoringEnabled { get; init; }

    /// <summary>The energy use and emissions of training and inference were estimated and documented.</summary>
    public bool? EnvironmentalImpactAssessed { get; init; }
}

namespace Aims.Risk.Contracts;

public sealed record ModelMetrics
{
    public double? Accuracy { get; init; }

    public double? PreviousAccuracy { get; init; }

    public double? FairnessGap { get; init; }

    public double? DriftScore { get; init; }

    /// <summary>Energy used to train (or fine-tune) this version, in kWh.</summary>
    public double? TrainingEnergyKwh { get; init; }
}

namespace Aims.Risk.Core.Rules;

/// <summary>
/// A declared context that makes a rule's risk worse (the system decides about individuals, is EU AI Act
/// high-risk, is public): when <see cref="When"/> holds on an event on which the rule fired, the finding's
/// likelihood and impact rise by the given steps, within the criteria grid.
/// </summary>
public sealed record RuleModifier
{
    /// <summary>A rule expression over <c>change</c>, compiled and guarded like the rule's own.</summary>
    public required string When { get; init; }

    /// <summary>Steps added to the likelihood (0-4).</summary>
    public int Likelihood { get; init; }

    /// <summary>Steps added to the impact (0-4).</summary>
    public int Impact { get; init; }

    /// <summary>Why the context makes it worse, in words the rationale and the auditor read.</summary>
    public required string Reason { get; init; }

    /// <summary>The reason with its effect, e.g. <c>affects individuals (impact +1)</c>.</summary>
    public string Describe() =>
        (Likelihood, Impact) switch
        {
            (0, var i) => $"{Reason} (impact +{i})",
            (var l, 0) => $"{Reason} (likelihood +{l})",
            var (l, i) => $"{Reason} (likelihood +{l}, impact +{i})",
        };
}

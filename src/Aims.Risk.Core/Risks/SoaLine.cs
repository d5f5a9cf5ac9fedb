namespace Aims.Risk.Core.Risks;

/// <summary>One Annex A control in the Statement of Applicability.</summary>
/// <param name="Justification">The risks that need it (ids, levels, statuses), or "no identified risk requires it".</param>
/// <param name="Implementation">How far its implementation has come, from those risks' treatments.</param>
/// <param name="RiskIds">
/// The open risks that need it, highest level first: all of them, or in a report that keeps only what a page shows,
/// the first ones (those its justification can name). <see cref="RiskCount"/> counts them all.
/// </param>
public sealed record SoaLine(string Control, string Title, bool Applicable, string Justification, string Implementation, IReadOnlyList<Guid> RiskIds)
{
    /// <summary>How many open risks need the control.</summary>
    public int RiskCount { get; init; } = RiskIds?.Count ?? 0;
}

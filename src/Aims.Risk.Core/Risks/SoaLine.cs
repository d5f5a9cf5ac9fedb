namespace Aims.Risk.Core.Risks;

/// <summary>One Annex A control in the Statement of Applicability.</summary>
/// <param name="Justification">The risks that need it (ids, levels, statuses), or "no identified risk requires it".</param>
/// <param name="Implementation">How far its implementation has come, from those risks' treatments.</param>
public sealed record SoaLine(string Control, string Title, bool Applicable, string Justification, string Implementation, IReadOnlyList<Guid> RiskIds);

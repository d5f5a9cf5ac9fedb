namespace Aims.Risk.Core.Rules;

/// <summary>One entry of the manifest's <c>changelog</c>: a controlled change of the rule set (ISO/IEC 42001 6.1.2).</summary>
public sealed record ChangelogEntry(string Version, DateOnly Date, string Author, string Approver, string Summary);

namespace Aims.Risk.Core.Reports;

/// <summary>A rule-set version and how many of the report's risks it last assessed.</summary>
public sealed record RuleSetUse(string Version, string Hash, int Risks);

namespace Aims.Risk.Core.Storage;

/// <summary>A risk with its evidence (the findings, newest first) and its history (oldest first).</summary>
public sealed record RiskDetail(RiskRecord Risk, IReadOnlyList<RiskEntryRecord> Entries, IReadOnlyList<RiskHistoryRecord> History);

using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Risks;

/// <summary>A decided transition of one risk: its next state and the history row that says why.</summary>
public sealed record RiskTransition(RiskRecord Next, RiskHistoryRecord History);

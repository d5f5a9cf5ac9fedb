using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Core.RuleChanges;

/// <summary>What a candidate rule set changes for one system's latest input.</summary>
/// <param name="CandidateErrors">Rules of the candidate that failed to evaluate on the input (counted as not fired).</param>
public sealed record SystemDiff(string SystemId, Guid EventId, IReadOnlyList<RiskChange> Changes, IReadOnlyList<RuleEvaluationError> CandidateErrors);

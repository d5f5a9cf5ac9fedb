namespace Aims.Risk.Core.Scoring;

public sealed record RuleEvaluationError(string RuleId, string Message);

using Aims.Risk.Contracts;
using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Core.RuleChanges;

/// <summary>What a candidate rule set would change over the whole register, compared with the active rule set.</summary>
/// <param name="Systems">Systems whose latest input was evaluated.</param>
/// <param name="Changed">The systems with at least one change or candidate error, ordered by system id.</param>
public sealed record RegisterDiffReport(
    string ActiveVersion,
    string ActiveHash,
    string CandidateVersion,
    string CandidateHash,
    long Systems,
    IReadOnlyList<SystemDiff> Changed)
{
    public IEnumerable<RiskChange> Changes => Changed.SelectMany(s => s.Changes);

    /// <summary>Counts per change, category and level, ordered for reading.</summary>
    public IReadOnlyList<(RiskChangeKind Kind, string Category, RiskLevel Level, int Count)> Totals =>
        [.. Changes.GroupBy(c => (c.Kind, c.Category, c.Level))
            .Select(g => (g.Key.Kind, g.Key.Category, g.Key.Level, g.Count()))
            .OrderBy(t => t.Kind).ThenBy(t => t.Category, StringComparer.Ordinal).ThenByDescending(t => t.Level)];

    /// <summary>The rules responsible: per rule and change, how many systems.</summary>
    public IReadOnlyList<(string RuleId, RiskChangeKind Kind, int Systems)> Rules =>
        [.. Changes.GroupBy(c => (c.RuleId, c.Kind))
            .Select(g => (g.Key.RuleId, g.Key.Kind, g.Count()))
            .OrderBy(t => t.RuleId, StringComparer.Ordinal).ThenBy(t => t.Kind)];

    public IReadOnlyList<RuleEvaluationError> CandidateErrors => [.. Changed.SelectMany(s => s.CandidateErrors)];

    /// <summary>Risks that would open at or above <paramref name="level"/>: the pull-request gate.</summary>
    public int OpensAtOrAbove(RiskLevel level) => Changes.Count(c => c.Kind == RiskChangeKind.Opens && c.Level >= level);
}

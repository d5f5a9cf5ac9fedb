using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Reports;

/// <summary>Open risks of one category by inherent level.</summary>
public sealed record CategoryCount(string Category, IReadOnlyDictionary<RiskLevel, int> ByLevel)
{
    public int Total => ByLevel.Values.Sum();
}

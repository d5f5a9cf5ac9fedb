namespace Aims.Risk.Core.Rules;

/// <summary>
/// How much of the reference lists the enabled rules of a rule set cite: MIT AI Risk Repository subdomains and
/// domains, NIST AI RMF subcategories, ISO/IEC 42001 Annex A controls, and the controls only one rule cites.
/// A domain counts when a rule cites it or one of its subdomains.
/// </summary>
public sealed record RulePackCoverage
{
    public required IReadOnlySet<string> MitSubdomains { get; init; }

    public required IReadOnlySet<string> MitDomains { get; init; }

    public required IReadOnlySet<string> NistSubcategories { get; init; }

    public required IReadOnlySet<string> AnnexAControls { get; init; }

    /// <summary>Annex A controls cited by exactly one rule, in id order.</summary>
    public required IReadOnlyList<string> ControlsCitedOnce { get; init; }

    public static RulePackCoverage Of(RuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        var definitions = ruleSet.Rules.Select(r => r.Definition).ToList();
        var mit = definitions.Select(d => d.MitDomain).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var controlCounts = definitions.SelectMany(d => d.Controls.Distinct(StringComparer.Ordinal))
            .GroupBy(c => c, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new RulePackCoverage
        {
            MitSubdomains = mit.Where(ReferenceData.MitSubdomains.Contains).ToHashSet(StringComparer.Ordinal),
            MitDomains = mit.Select(ReferenceData.MitDomainOf).Where(ReferenceData.MitDomains.Contains).ToHashSet(StringComparer.Ordinal),
            NistSubcategories = definitions.SelectMany(d => d.Nist).Where(ReferenceData.NistSubcategories.Contains).ToHashSet(StringComparer.Ordinal),
            AnnexAControls = controlCounts.Keys.Where(ReferenceData.AnnexAControls.Contains).ToHashSet(StringComparer.Ordinal),
            ControlsCitedOnce = [.. controlCounts.Where(c => c.Value == 1).Select(c => c.Key).Order(AnnexAIdComparer.Instance)],
        };
    }

    /// <summary>One line for <c>rules validate</c>.</summary>
    public override string ToString() =>
        $"MIT AI Risk Repository {MitSubdomains.Count}/{ReferenceData.MitSubdomains.Count} subdomains, {MitDomains.Count}/{ReferenceData.MitDomains.Count} domains; "
        + $"NIST AI RMF {NistSubcategories.Count}/{ReferenceData.NistSubcategories.Count} subcategories; "
        + $"ISO/IEC 42001 Annex A {AnnexAControls.Count}/{ReferenceData.AnnexAControls.Count} controls"
        + (ControlsCitedOnce.Count == 0 ? ", each cited by two rules or more" : $", cited by one rule only: {string.Join(", ", ControlsCitedOnce)}");

    /// <summary>Orders A.6.2.10 after A.6.2.9: by the numbers, not the text.</summary>
    private sealed class AnnexAIdComparer : IComparer<string>
    {
        public static readonly AnnexAIdComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = Parts(x);
            var b = Parts(y);
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                if (a[i] != b[i])
                {
                    return a[i].CompareTo(b[i]);
                }
            }

            return a.Length.CompareTo(b.Length);
        }

        private static int[] Parts(string? id) =>
            [.. (id ?? "").Split('.').Skip(1).Select(p => int.TryParse(p, out var n) ? n : 0)];
    }
}

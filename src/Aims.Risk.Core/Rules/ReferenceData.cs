using System.Collections.Frozen;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The public reference lists rules map to, embedded with the service: ISO/IEC 42001 Annex A controls,
/// NIST AI RMF ids and MIT AI Risk Repository domains. A rule may only cite ids that exist.
/// </summary>
public static class ReferenceData
{
    /// <summary>Annex A control ids (A.2.2 … A.10.4), without the control objectives (A.2 … A.10).</summary>
    public static FrozenSet<string> AnnexAControls { get; } = Read("iso42001-annex-a.tsv", row => row[2] == "control");

    /// <summary>NIST AI RMF 1.0 function, category and subcategory ids, e.g. <c>MEASURE 2.11</c>.</summary>
    public static FrozenSet<string> NistAiRmf { get; } = Read("nist-ai-rmf.tsv", _ => true);

    /// <summary>MIT AI Risk Repository domain and subdomain ids, e.g. <c>2.1</c>.</summary>
    public static FrozenSet<string> MitAiRiskDomains { get; } = Read("mit-ai-risk-domains.tsv", _ => true);

    /// <summary>NIST AI RMF subcategory ids only (72 in AI RMF 1.0), e.g. <c>MEASURE 2.11</c>: what coverage counts.</summary>
    public static FrozenSet<string> NistSubcategories { get; } = Read("nist-ai-rmf.tsv", row => row[2] == "subcategory");

    /// <summary>MIT AI Risk Repository subdomain ids only (24), e.g. <c>2.1</c>.</summary>
    public static FrozenSet<string> MitSubdomains { get; } = Read("mit-ai-risk-domains.tsv", row => row[1] == "subdomain");

    /// <summary>MIT AI Risk Repository domain ids only (7), e.g. <c>2</c>.</summary>
    public static FrozenSet<string> MitDomains { get; } = Read("mit-ai-risk-domains.tsv", row => row[1] == "domain");

    /// <summary>The title of every Annex A id, controls and objectives (<c>A.7.4</c> → "Quality of data for AI systems"): for tasks and reports.</summary>
    public static IReadOnlyDictionary<string, string> AnnexATitles { get; } = ReadTitles();

    /// <summary>The domain an MIT id belongs to: <c>2.1</c> → <c>2</c>, <c>2</c> → <c>2</c>.</summary>
    public static string MitDomainOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? id : id[..dot];
    }

    private static FrozenSet<string> Read(string file, Func<string[], bool> keep) =>
        Rows(file).Where(keep).Select(row => row[0]).ToFrozenSet(StringComparer.Ordinal);

    private static FrozenDictionary<string, string> ReadTitles() =>
        Rows("iso42001-annex-a.tsv").ToFrozenDictionary(row => row[0], row => row[1], StringComparer.Ordinal);

    private static List<string[]> Rows(string file)
    {
        var name = $"Aims.Risk.Core.Rules.Reference.{file}";
        using var stream = typeof(ReferenceData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        var rows = new List<string[]>();
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                rows.Add(line.Split('\t'));
            }
        }

        return rows;
    }
}

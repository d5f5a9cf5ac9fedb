using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Reports;

/// <summary>
/// The register as people read it: figures, the inherent and residual heat maps, the risks most in need of attention,
/// the Statement of Applicability and the criteria, at one moment. Rendered as HTML (<see cref="RiskReportHtml"/>) by
/// the command line and the worker, and as a workbook by the command line.
/// </summary>
public sealed class RiskReport
{
    /// <summary>Acceptances that end within this many days are listed for renewal or treatment.</summary>
    public const int ExpiryWindowDays = 30;

    /// <summary>
    /// Risks named in a Statement of Applicability justification, the rest counted: a spreadsheet cell holds about 300
    /// names, and <c>aims-risk soa</c> names every one.
    /// </summary>
    public const int SoaNamedRisks = 200;

    private static readonly RiskStatus[] Treating = [RiskStatus.TreatmentRequested, RiskStatus.InTreatment];

    private RiskReport(IReadOnlyList<RiskRecord> risks, RuleSet ruleSet, string? systemId, DateTimeOffset generatedAt)
    {
        SystemId = systemId;
        GeneratedAt = generatedAt;
        RuleSetName = ruleSet.Manifest.Name;
        RuleSetVersion = ruleSet.Version;
        RuleSetHash = ruleSet.Hash;
        Criteria = ruleSet.Criteria;
        var ordered = risks.ToList();
        ordered.Sort(Severity);
        Risks = ordered;
        OpenRisks = [.. Risks.Where(r => r.IsOpen)];
        Inherent = HeatMap.Inherent(OpenRisks, Criteria);
        Residual = HeatMap.Residual(OpenRisks, Criteria);
        var byLevel = new int[Enum.GetValues<RiskLevel>().Length];
        foreach (var risk in OpenRisks)
        {
            byLevel[(int)risk.Level]++;
        }

        OpenByLevel = Enum.GetValues<RiskLevel>().ToDictionary(l => l, l => byLevel[(int)l]);
        ByCategory = [.. OpenRisks.GroupBy(r => r.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CategoryCount(g.Key, Enum.GetValues<RiskLevel>().ToDictionary(l => l, l => g.Count(r => r.Level == l))))];
        Overdue = [.. OpenRisks.Where(r => Treating.Contains(r.Status) && r.DueBy < generatedAt).OrderBy(r => r.DueBy)];
        ExpiringAcceptances = [.. OpenRisks.Where(r => r.Status == RiskStatus.Accepted && r.AcceptedUntil <= generatedAt.AddDays(ExpiryWindowDays)).OrderBy(r => r.AcceptedUntil)];
        Soa = StatementOfApplicability.Build(OpenRisks, SoaNamedRisks);
        SystemCount = Risks.Select(r => r.SystemId).Distinct(StringComparer.Ordinal).Count();
        AssessedUnder = [.. Risks.GroupBy(r => (r.RuleSetVersion, r.RuleSetHash)).OrderByDescending(g => g.Count())
            .Select(g => new RuleSetUse(g.Key.RuleSetVersion, g.Key.RuleSetHash, g.Count()))];
    }

    /// <summary>The system the report is limited to; null for every system.</summary>
    public string? SystemId { get; }

    public DateTimeOffset GeneratedAt { get; }

    public string RuleSetName { get; }

    /// <summary>The rule set whose criteria the report applies (the active one).</summary>
    public string RuleSetVersion { get; }

    public string RuleSetHash { get; }

    public RiskCriteria Criteria { get; }

    /// <summary>Every risk in scope, open ones first, then by inherent and residual level (highest first), system and rule.</summary>
    public IReadOnlyList<RiskRecord> Risks { get; }

    /// <summary>The risks in the register's view: every status but Resolved, in the order of <see cref="Risks"/>.</summary>
    public IReadOnlyList<RiskRecord> OpenRisks { get; }

    /// <summary>Open risks by likelihood and impact.</summary>
    public HeatMap Inherent { get; }

    /// <summary>Open risks with a recorded residual, by residual likelihood and impact.</summary>
    public HeatMap Residual { get; }

    public IReadOnlyDictionary<RiskLevel, int> OpenByLevel { get; }

    public IReadOnlyList<CategoryCount> ByCategory { get; }

    /// <summary>Treatments requested or in progress whose due date has passed, the longest overdue first.</summary>
    public IReadOnlyList<RiskRecord> Overdue { get; }

    /// <summary>Acceptances that end within <see cref="ExpiryWindowDays"/> days, or have ended and await the sweep.</summary>
    public IReadOnlyList<RiskRecord> ExpiringAcceptances { get; }

    /// <summary>The Statement of Applicability of the open risks.</summary>
    public IReadOnlyList<SoaLine> Soa { get; }

    public int SystemCount { get; }

    /// <summary>The rule-set versions that last assessed the risks, the most used first.</summary>
    public IReadOnlyList<RuleSetUse> AssessedUnder { get; }

    /// <summary>Open first, then inherent and residual level, highest first; system and rule make it a total order.</summary>
    private static int Severity(RiskRecord a, RiskRecord b)
    {
        var order = b.IsOpen.CompareTo(a.IsOpen);
        order = order != 0 ? order : b.Level.CompareTo(a.Level);
        order = order != 0 ? order : (b.ResidualLevel ?? b.Level).CompareTo(a.ResidualLevel ?? a.Level);
        order = order != 0 ? order : string.CompareOrdinal(a.SystemId, b.SystemId);
        return order != 0 ? order : string.CompareOrdinal(a.RuleId, b.RuleId);
    }

    public static RiskReport Create(IReadOnlyList<RiskRecord> risks, RuleSet ruleSet, string? systemId, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(risks);
        ArgumentNullException.ThrowIfNull(ruleSet);
        return new RiskReport(risks, ruleSet, systemId, generatedAt);
    }

    /// <summary>Reads every risk in scope from the register and builds the report.</summary>
    public static async Task<RiskReport> LoadAsync(IRiskRegister register, RuleSet ruleSet, string? systemId, DateTimeOffset generatedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(register);
        var risks = await register.QueryRisksAsync(new RiskQuery { SystemId = systemId, Limit = int.MaxValue }, cancellationToken);
        return Create(risks, ruleSet, systemId, generatedAt);
    }
}

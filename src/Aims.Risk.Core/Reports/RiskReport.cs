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

    private RiskReport(Builder built, RuleSet ruleSet, string? systemId, DateTimeOffset generatedAt)
    {
        SystemId = systemId;
        GeneratedAt = generatedAt;
        RuleSetName = ruleSet.Manifest.Name;
        RuleSetVersion = ruleSet.Version;
        RuleSetHash = ruleSet.Hash;
        Criteria = ruleSet.Criteria;
        Detail = built.Detail;
        RiskCount = built.Risks.Count;
        Risks = built.Risks.ToList();
        OpenCount = built.OpenCount;
        Inherent = built.Inherent.Build();
        Residual = built.Residual.Build();
        OpenByLevel = Enum.GetValues<RiskLevel>().ToDictionary(l => l, l => built.OpenByLevel[(int)l]);
        ByCategory = [.. built.ByCategory.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new CategoryCount(c.Key, Enum.GetValues<RiskLevel>().ToDictionary(l => l, l => c.Value[(int)l])))];
        Overdue = built.Overdue.ToList();
        OverdueCount = built.Overdue.Count;
        ExpiringAcceptances = built.Expiring.ToList();
        ExpiringCount = built.Expiring.Count;
        Soa = built.Soa.Lines(SoaNamedRisks);
        SystemCount = built.Systems.Count;
        AssessedUnder = [.. built.AssessedUnder.Values.OrderByDescending(u => u.Risks).ThenBy(u => u.First, SeverityOrder)
            .Select(u => new RuleSetUse(u.Version, u.Hash, u.Risks))];
    }

    /// <summary>The system the report is limited to; null for every system.</summary>
    public string? SystemId { get; }

    public DateTimeOffset GeneratedAt { get; }

    public string RuleSetName { get; }

    /// <summary>The rule set whose criteria the report applies (the active one).</summary>
    public string RuleSetVersion { get; }

    public string RuleSetHash { get; }

    public RiskCriteria Criteria { get; }

    /// <summary>How many risks the report keeps in order besides its figures.</summary>
    public ReportDetail Detail { get; }

    /// <summary>Every risk in scope.</summary>
    public int RiskCount { get; }

    /// <summary>
    /// The risks in scope, open ones first, then by inherent and residual level (highest first), system and rule: all of
    /// them, or the first <see cref="ReportDetail.Risks"/>.
    /// </summary>
    public IReadOnlyList<RiskRecord> Risks { get; }

    /// <summary>The risks in the register's view: every status but Resolved.</summary>
    public int OpenCount { get; }

    /// <summary>Open risks by likelihood and impact.</summary>
    public HeatMap Inherent { get; }

    /// <summary>Open risks with a recorded residual, by residual likelihood and impact.</summary>
    public HeatMap Residual { get; }

    public IReadOnlyDictionary<RiskLevel, int> OpenByLevel { get; }

    public IReadOnlyList<CategoryCount> ByCategory { get; }

    /// <summary>
    /// Treatments requested or in progress whose due date has passed, the longest overdue first: all of them, or the
    /// first <see cref="ReportDetail.Lists"/>.
    /// </summary>
    public IReadOnlyList<RiskRecord> Overdue { get; }

    public int OverdueCount { get; }

    /// <summary>
    /// Acceptances that end within <see cref="ExpiryWindowDays"/> days, or have ended and await the sweep, the first to
    /// end first: all of them, or the first <see cref="ReportDetail.Lists"/>.
    /// </summary>
    public IReadOnlyList<RiskRecord> ExpiringAcceptances { get; }

    public int ExpiringCount { get; }

    /// <summary>The Statement of Applicability of the open risks.</summary>
    public IReadOnlyList<SoaLine> Soa { get; }

    public int SystemCount { get; }

    /// <summary>The rule-set versions that last assessed the risks, the most used first.</summary>
    public IReadOnlyList<RuleSetUse> AssessedUnder { get; }

    /// <summary>Open first, then inherent and residual level, highest first; system and rule make it a total order.</summary>
    internal static Comparer<RiskRecord> SeverityOrder { get; } = Comparer<RiskRecord>.Create(Severity);

    private static int Severity(RiskRecord a, RiskRecord b)
    {
        var order = b.IsOpen.CompareTo(a.IsOpen);
        order = order != 0 ? order : b.Level.CompareTo(a.Level);
        order = order != 0 ? order : (b.ResidualLevel ?? b.Level).CompareTo(a.ResidualLevel ?? a.Level);
        order = order != 0 ? order : string.CompareOrdinal(a.SystemId, b.SystemId);
        return order != 0 ? order : string.CompareOrdinal(a.RuleId, b.RuleId);
    }

    /// <summary>Every risk kept: what the workbook needs.</summary>
    public static RiskReport Create(IReadOnlyList<RiskRecord> risks, RuleSet ruleSet, string? systemId, DateTimeOffset generatedAt) =>
        Create(risks, ruleSet, systemId, generatedAt, ReportDetail.All);

    public static RiskReport Create(IEnumerable<RiskRecord> risks, RuleSet ruleSet, string? systemId, DateTimeOffset generatedAt, ReportDetail detail)
    {
        ArgumentNullException.ThrowIfNull(risks);
        ArgumentNullException.ThrowIfNull(ruleSet);
        ArgumentNullException.ThrowIfNull(detail);
        var built = new Builder(ruleSet.Criteria, generatedAt, detail);
        foreach (var risk in risks)
        {
            built.Add(risk);
        }

        return new RiskReport(built, ruleSet, systemId, generatedAt);
    }

    /// <summary>Reads every risk in scope from the register, keeping them all, and builds the report.</summary>
    public static Task<RiskReport> LoadAsync(IRiskRegister register, RuleSet ruleSet, string? systemId, DateTimeOffset generatedAt, CancellationToken cancellationToken) =>
        LoadAsync(register, ruleSet, systemId, generatedAt, ReportDetail.All, cancellationToken);

    /// <summary>
    /// Reads every risk in scope from the register in one pass, streamed, and builds the report keeping only
    /// <paramref name="detail"/>: with <see cref="ReportDetail.Page"/>, memory does not grow with the register.
    /// </summary>
    public static async Task<RiskReport> LoadAsync(IRiskRegister register, RuleSet ruleSet, string? systemId, DateTimeOffset generatedAt, ReportDetail detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(register);
        ArgumentNullException.ThrowIfNull(ruleSet);
        ArgumentNullException.ThrowIfNull(detail);
        var built = new Builder(ruleSet.Criteria, generatedAt, detail);
        await foreach (var risk in register.StreamRisksAsync(systemId, cancellationToken))
        {
            built.Add(risk);
        }

        return new RiskReport(built, ruleSet, systemId, generatedAt);
    }

    /// <summary>Every figure of the report, one risk at a time, in any order; what is kept in order is bounded by the detail.</summary>
    private sealed class Builder
    {
        private readonly DateTimeOffset _now;
        private readonly DateTimeOffset _expiryLimit;

        public Builder(RiskCriteria criteria, DateTimeOffset now, ReportDetail detail)
        {
            _now = now;
            _expiryLimit = now.AddDays(ExpiryWindowDays);
            Detail = detail;
            Risks = new(detail.Risks, SeverityOrder);
            Inherent = new(inherent: true, criteria, detail.CellIds, SeverityOrder);
            Residual = new(inherent: false, criteria, detail.CellIds, SeverityOrder);
            // Ties keep the severity order, as a stable sort of the severity-ordered risks by date did.
            Overdue = new(detail.Lists, Comparer<RiskRecord>.Create((a, b) => Nullable.Compare(a.DueBy, b.DueBy) is var c && c != 0 ? c : Severity(a, b)));
            Expiring = new(detail.Lists, Comparer<RiskRecord>.Create((a, b) => Nullable.Compare(a.AcceptedUntil, b.AcceptedUntil) is var c && c != 0 ? c : Severity(a, b)));
            Soa = new(detail.SoaIds);
        }

        public ReportDetail Detail { get; }

        public TopList<RiskRecord> Risks { get; }

        public int OpenCount { get; private set; }

        public HeatMap.Builder Inherent { get; }

        public HeatMap.Builder Residual { get; }

        public int[] OpenByLevel { get; } = new int[Enum.GetValues<RiskLevel>().Length];

        public Dictionary<string, int[]> ByCategory { get; } = new(StringComparer.Ordinal);

        public TopList<RiskRecord> Overdue { get; }

        public TopList<RiskRecord> Expiring { get; }

        public StatementOfApplicability.Accumulator Soa { get; }

        public HashSet<string> Systems { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Version, string Hash), Use> AssessedUnder { get; } = [];

        public void Add(RiskRecord risk)
        {
            ArgumentNullException.ThrowIfNull(risk);
            Risks.Add(risk);
            _ = Systems.Add(risk.SystemId);
            var key = (risk.RuleSetVersion, risk.RuleSetHash);
            if (AssessedUnder.TryGetValue(key, out var use))
            {
                use.Add(risk);
            }
            else
            {
                AssessedUnder[key] = new Use(risk);
            }

            if (!risk.IsOpen)
            {
                return;
            }

            OpenCount++;
            Inherent.Add(risk);
            Residual.Add(risk);
            OpenByLevel[(int)risk.Level]++;
            if (!ByCategory.TryGetValue(risk.Category, out var byLevel))
            {
                ByCategory[risk.Category] = byLevel = new int[OpenByLevel.Length];
            }

            byLevel[(int)risk.Level]++;
            if (risk.Status is RiskStatus.TreatmentRequested or RiskStatus.InTreatment && risk.DueBy < _now)
            {
                Overdue.Add(risk);
            }

            if (risk.Status == RiskStatus.Accepted && risk.AcceptedUntil <= _expiryLimit)
            {
                Expiring.Add(risk);
            }

            Soa.Add(risk);
        }
    }

    /// <summary>A rule set's share of the risks; its most severe risk orders ties as the severity-ordered list did.</summary>
    private sealed class Use(RiskRecord first)
    {
        public string Version { get; } = first.RuleSetVersion;

        public string Hash { get; } = first.RuleSetHash;

        public int Risks { get; private set; } = 1;

        public RiskRecord First { get; private set; } = first;

        public void Add(RiskRecord risk)
        {
            Risks++;
            if (Severity(risk, First) < 0)
            {
                First = risk;
            }
        }
    }
}

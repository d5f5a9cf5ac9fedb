using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Risks;

/// <summary>
/// The Statement of Applicability (ISO/IEC 42001 6.1.3 d-f): every Annex A control, whether an identified risk needs it
/// (the justification names those risks, their levels and statuses), and how far its implementation has come, derived
/// from those risks' treatments.
/// </summary>
public static class StatementOfApplicability
{
    /// <summary>The status of a control that no open risk needs.</summary>
    public const string NotRequired = "Not required";

    /// <param name="risks">The risks; the open ones count.</param>
    /// <param name="namedAtMost">Risks named in a justification, the highest levels first; the rest are counted. Null names all.</param>
    public static IReadOnlyList<SoaLine> Build(IReadOnlyList<RiskRecord> risks, int? namedAtMost = null)
    {
        ArgumentNullException.ThrowIfNull(risks);
        // One sort and one pass over the risks, not one of each per control: the report builds this for 200,000 risks.
        var open = risks.Where(r => r.IsOpen)
            .OrderByDescending(r => r.Level).ThenBy(r => r.SystemId, StringComparer.Ordinal).ThenBy(r => r.RuleId, StringComparer.Ordinal);
        var byControl = new Dictionary<string, List<RiskRecord>>(StringComparer.Ordinal);
        foreach (var risk in open)
        {
            for (var i = 0; i < risk.Controls.Count; i++)
            {
                var control = risk.Controls[i];
                var list = byControl.TryGetValue(control, out var found) ? found : byControl[control] = [];
                if (list.Count == 0 || !ReferenceEquals(list[^1], risk))
                {
                    list.Add(risk);
                }
            }
        }

        return [.. ReferenceData.AnnexAControls.Order(ControlOrder.Instance).Select(control =>
        {
            var needing = byControl.GetValueOrDefault(control) ?? [];
            var justification = needing.Count == 0
                ? "no identified risk requires it"
                : string.Join("; ", needing.Take(namedAtMost ?? int.MaxValue).Select(r => $"{r.RuleId} on {r.SystemId} ({r.Level}, {r.Status}, risk {r.RiskId})"))
                  + (needing.Count > namedAtMost ? $"; and {needing.Count - namedAtMost} more" : "");
            return new SoaLine(control, ReferenceData.AnnexATitles[control], needing.Count > 0, justification, Implementation(needing), [.. needing.Select(r => r.RiskId)]);
        })];
    }

    /// <summary>The least advanced treatment among the risks that need the control decides how far it has come.</summary>
    private static string Implementation(List<RiskRecord> needing)
    {
        if (needing.Count == 0)
        {
            return NotRequired;
        }

        int Count(params RiskStatus[] statuses) => needing.Count(r => statuses.Contains(r.Status));
        var requested = Count(RiskStatus.TreatmentRequested);
        var treating = Count(RiskStatus.InTreatment);
        var done = Count(RiskStatus.Treated, RiskStatus.Transferred, RiskStatus.Avoided);
        var retained = Count(RiskStatus.Accepted, RiskStatus.Tolerated);
        if (requested > 0)
        {
            return done + treating > 0 ? $"Partly implemented ({done + treating} of {needing.Count} risks treated or in treatment)" : "Not implemented (treatment requested)";
        }

        if (treating > 0)
        {
            return $"In progress ({treating} of {needing.Count} risks in treatment)";
        }

        return retained == needing.Count ? "Risk retained (accepted or within appetite)" : "Implemented";
    }

    /// <summary>A.2.2 before A.10.1: by the numbers, not the text.</summary>
    private sealed class ControlOrder : IComparer<string>
    {
        public static readonly ControlOrder Instance = new();

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
            [.. (id ?? "").TrimStart('A', '.').Split('.').Select(p => int.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0)];
    }
}

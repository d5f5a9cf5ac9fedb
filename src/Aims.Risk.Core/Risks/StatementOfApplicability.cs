using Aims.Risk.Contracts;
using Aims.Risk.Core.Reports;
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
        var soa = new Accumulator(int.MaxValue);
        foreach (var risk in risks)
        {
            soa.Add(risk);
        }

        return soa.Lines(namedAtMost);
    }

    /// <summary>
    /// The statement built one risk at a time, in any order: per control, how many open risks need it, how their
    /// treatments stand, and the first <c>keep</c> of them (highest level, then system and rule), which are the ones a
    /// justification can name and the ones <see cref="SoaLine.RiskIds"/> lists.
    /// </summary>
    internal sealed class Accumulator(int keep)
    {
        private static readonly Comparer<RiskRecord> Order = Comparer<RiskRecord>.Create((a, b) =>
        {
            var order = b.Level.CompareTo(a.Level);
            order = order != 0 ? order : string.CompareOrdinal(a.SystemId, b.SystemId);
            return order != 0 ? order : string.CompareOrdinal(a.RuleId, b.RuleId);
        });

        private readonly Dictionary<string, Needing> _byControl = new(StringComparer.Ordinal);

        public void Add(RiskRecord risk)
        {
            if (!risk.IsOpen)
            {
                return;
            }

            var controls = risk.Controls;
            for (var i = 0; i < controls.Count; i++)
            {
                var control = controls[i];
                if (Repeats(controls, i))
                {
                    continue;
                }

                if (!_byControl.TryGetValue(control, out var needing))
                {
                    _byControl[control] = needing = new Needing(keep);
                }

                needing.Add(risk);
            }
        }

        public IReadOnlyList<SoaLine> Lines(int? namedAtMost) =>
            [.. ReferenceData.AnnexAControls.Order(ControlOrder.Instance).Select(control =>
            {
                var needing = _byControl.GetValueOrDefault(control);
                var count = needing?.Risks.Count ?? 0;
                var first = needing?.Risks.ToList() ?? [];
                var justification = count == 0
                    ? "no identified risk requires it"
                    : string.Join("; ", first.Take(namedAtMost ?? int.MaxValue).Select(r => $"{r.RuleId} on {r.SystemId} ({r.Level}, {r.Status}, risk {r.RiskId})"))
                      + (count > namedAtMost ? $"; and {count - namedAtMost} more" : "");
                return new SoaLine(control, ReferenceData.AnnexATitles[control], count > 0, justification, Implementation(needing), [.. first.Select(r => r.RiskId)])
                {
                    RiskCount = count,
                };
            })];

        /// <summary>A control a risk cites twice needs it once.</summary>
        private static bool Repeats(IReadOnlyList<string> controls, int index)
        {
            for (var j = 0; j < index; j++)
            {
                if (string.Equals(controls[j], controls[index], StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The least advanced treatment among the risks that need the control decides how far it has come.</summary>
        private static string Implementation(Needing? needing)
        {
            if (needing is null || needing.Risks.Count == 0)
            {
                return NotRequired;
            }

            var total = needing.Risks.Count;
            int Count(params RiskStatus[] statuses) => statuses.Sum(s => needing.ByStatus[(int)s]);
            var requested = Count(RiskStatus.TreatmentRequested);
            var treating = Count(RiskStatus.InTreatment);
            var done = Count(RiskStatus.Treated, RiskStatus.Transferred, RiskStatus.Avoided);
            var retained = Count(RiskStatus.Accepted, RiskStatus.Tolerated);
            if (requested > 0)
            {
                return done + treating > 0 ? $"Partly implemented ({done + treating} of {total} risks treated or in treatment)" : "Not implemented (treatment requested)";
            }

            if (treating > 0)
            {
                return $"In progress ({treating} of {total} risks in treatment)";
            }

            return retained == total ? "Risk retained (accepted or within appetite)" : "Implemented";
        }

        private sealed class Needing(int keep)
        {
            public TopList<RiskRecord> Risks { get; } = new(keep, Order);

            public int[] ByStatus { get; } = new int[Enum.GetValues<RiskStatus>().Length];

            public void Add(RiskRecord risk)
            {
                Risks.Add(risk);
                ByStatus[(int)risk.Status]++;
            }
        }
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

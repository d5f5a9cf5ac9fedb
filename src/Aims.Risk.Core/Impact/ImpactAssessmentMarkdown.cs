using System.Globalization;
using System.Text;

namespace Aims.Risk.Core.Impact;

/// <summary>
/// The Markdown form of an impact assessment: the draft as written for the owner, and the headings and rows that
/// <see cref="ImpactAssessmentReader"/> reads back from the completed file.
/// </summary>
public static class ImpactAssessmentMarkdown
{
    internal const string Title = "# AI system impact assessment";
    internal const string SystemSection = "The system and this assessment (A.5.2, A.5.3)";
    internal const string AffectedSection = "Who is affected (A.5.4)";
    internal const string IndividualSection = "Impacts on individuals or groups of individuals (A.5.4)";
    internal const string SocietalSection = "Societal impacts (A.5.5)";
    internal const string OtherRisksSection = "Other open ethics and privacy risks in the register";
    internal const string ControlsSection = "Controls in place (from the event's evidence)";
    internal const string OwnerSection = "To complete by the owner";
    internal const string BenefitsPart = "Benefits (A.5.4, A.5.5)";
    internal const string ConsultedPart = "Consulted";
    internal const string AdditionalPart = "Impacts no rule detects (A.5.4, A.5.5)";
    internal const string ReviewPart = "Review (A.5.3)";
    internal const string NotDeclared = "not declared";

    public static string Write(ImpactAssessmentDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"{Title} (draft): {draft.SystemName}");
        md.AppendLine();
        md.AppendLine("Draft generated from a change event and the rule set's findings (ISO/IEC 42001 6.1.4, Annex A.5.2-A.5.5). The owner completes it and records it in the register (see the last section).");
        md.AppendLine();
        md.AppendLine(c, $"## {SystemSection}");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine(c, $"| system | {Cell(draft.SystemId)} ({Cell(draft.SystemName)}) |");
        md.AppendLine(c, $"| owner | {Cell(draft.Owner)} |");
        md.AppendLine(c, $"| purpose | {Cell(draft.Purpose ?? NotDeclared)} |");
        md.AppendLine(c, $"| model | {Cell(draft.ModelName ?? NotDeclared)} |");
        md.AppendLine(c, $"| model version | {Cell(draft.ModelVersion ?? NotDeclared)} |");
        md.AppendLine(c, $"| domain | {Cell(draft.Domain ?? NotDeclared)} |");
        md.AppendLine(c, $"| EU AI Act class | {draft.EuAiActRiskClass?.ToString() ?? NotDeclared} |");
        md.AppendLine(c, $"| exposure, autonomy | {draft.Exposure?.ToString() ?? NotDeclared}, {draft.Autonomy?.ToString() ?? NotDeclared} |");
        md.AppendLine(c, $"| based on | event {draft.EventId} ({draft.ChangeType}, {draft.OccurredAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC), rule set {Cell(draft.RuleSetVersion)} ({Cell(draft.RuleSetHash)}) |");
        md.AppendLine(c, $"| drafted | {draft.DraftedAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC |");
        md.AppendLine();
        md.AppendLine(c, $"## {AffectedSection}");
        md.AppendLine();
        foreach (var person in draft.AffectedPersons)
        {
            md.AppendLine(c, $"- {Line(person)}");
        }

        md.AppendLine();
        Impacts(md, IndividualSection, draft.IndividualImpacts);
        Impacts(md, SocietalSection, draft.SocietalImpacts);
        if (draft.OtherOpenRisks.Count > 0)
        {
            md.AppendLine(c, $"## {OtherRisksSection}");
            md.AppendLine();
            foreach (var risk in draft.OtherOpenRisks)
            {
                md.AppendLine(c, $"- {Line(risk)}");
            }

            md.AppendLine();
        }

        md.AppendLine(c, $"## {ControlsSection}");
        md.AppendLine();
        if (draft.ExistingControls.Count == 0)
        {
            md.AppendLine("- none recorded in the event");
        }

        foreach (var control in draft.ExistingControls)
        {
            md.AppendLine(c, $"- {Line(control)}");
        }

        md.AppendLine();
        md.AppendLine(c, $"## {OwnerSection}");
        md.AppendLine();
        foreach (var item in draft.ToComplete)
        {
            md.AppendLine(c, $"- {Line(item)}");
        }

        md.AppendLine();
        md.AppendLine(c, $"### {BenefitsPart}");
        md.AppendLine();
        md.AppendLine(Line(draft.Benefits));
        md.AppendLine();
        md.AppendLine(c, $"### {ConsultedPart}");
        md.AppendLine();
        foreach (var consulted in draft.Consulted)
        {
            md.AppendLine(c, $"- {Line(consulted)}");
        }

        md.AppendLine();
        md.AppendLine(c, $"### {AdditionalPart}");
        md.AppendLine();
        md.AppendLine(Line(draft.AdditionalImpacts));
        md.AppendLine();
        md.AppendLine(c, $"### {ReviewPart}");
        md.AppendLine();
        md.AppendLine(c, $"- review by: {Line(draft.ReviewBy)}");
        return md.ToString();
    }

    private static void Impacts(StringBuilder md, string heading, IReadOnlyList<AssessedImpact> impacts)
    {
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"## {heading}");
        md.AppendLine();
        if (impacts.Count == 0)
        {
            md.AppendLine("No rule of the rule set found one in this event; the owner adds those the rules cannot see.");
            md.AppendLine();
            return;
        }

        foreach (var impact in impacts.OrderByDescending(i => i.Level).ThenBy(i => i.RuleId, StringComparer.Ordinal))
        {
            md.AppendLine(c, $"### {impact.RuleId}: {Line(impact.Title)}");
            md.AppendLine();
            md.AppendLine(c, $"- severity: {impact.Level} (likelihood {impact.Likelihood}, impact {impact.Impact}){(impact.Aggravating.Count == 0 ? "" : "; raised by: " + string.Join("; ", impact.Aggravating))}");
            md.AppendLine(c, $"- how: {Line(impact.How)}");
            md.AppendLine(c, $"- controls: {string.Join("; ", impact.Controls)}");
            if (impact.RegisterStatus is { } status)
            {
                md.AppendLine(c, $"- in the register: {status}");
            }

            md.AppendLine(c, $"- open treatment{(impact.DueBy is { } due ? $" (due {due:yyyy-MM-dd})" : "")}: {Line(impact.OpenTreatment)}");
            md.AppendLine(c, $"- decision: {Line(impact.Decision)}");
            md.AppendLine();
        }
    }

    private static string Cell(string text) => Line(text).Replace("|", "\\|", StringComparison.Ordinal);

    private static string Line(string text) => text.ReplaceLineEndings(" ");
}

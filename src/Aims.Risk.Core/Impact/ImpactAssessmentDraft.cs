using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Impact;

/// <summary>
/// A draft AI system impact assessment (ISO/IEC 42001 6.1.4, Annex A.5.2-A.5.5) built from one event and its
/// findings: who is affected, the impacts on individuals and groups (A.5.4) and on society (A.5.5) with their
/// severity, the controls the event shows in place and the treatments still open. A draft for the owner to
/// complete and sign off, not an assessment: what no event can know is marked <see cref="Placeholder"/> (the decision on
/// each impact, the benefits, who was consulted, the impacts no rule detects, the review date), and the owner submits
/// the completed file (<see cref="ImpactAssessmentReader"/>).
/// </summary>
public sealed record ImpactAssessmentDraft
{
    /// <summary>How every part left for the owner begins; a submission that still holds one is refused.</summary>
    public const string Placeholder = "_to complete";

    /// <summary>MIT AI Risk Repository domains of harm beyond the people the system touches: misinformation, malicious use, socioeconomic and environmental.</summary>
    private static readonly string[] SocietalMitDomains = ["3", "4", "6"];

    public required string SystemId { get; init; }

    public required string SystemName { get; init; }

    public required string Owner { get; init; }

    public string? Purpose { get; init; }

    public string? Domain { get; init; }

    public EuAiActRiskClass? EuAiActRiskClass { get; init; }

    public Exposure? Exposure { get; init; }

    public Autonomy? Autonomy { get; init; }

    public string? ModelName { get; init; }

    public string? ModelVersion { get; init; }

    public required Guid EventId { get; init; }

    public required ChangeType ChangeType { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required DateTimeOffset DraftedAt { get; init; }

    public required string RuleSetVersion { get; init; }

    public required string RuleSetHash { get; init; }

    /// <summary>The people and groups the event says the system affects (A.5.4).</summary>
    public required IReadOnlyList<string> AffectedPersons { get; init; }

    /// <summary>Impacts on individuals or groups of individuals (A.5.4): the ethics and privacy findings.</summary>
    public required IReadOnlyList<AssessedImpact> IndividualImpacts { get; init; }

    /// <summary>Societal impacts (A.5.5): findings citing A.5.5, or in the MIT domains of misinformation, malicious use, socioeconomic and environmental harm.</summary>
    public required IReadOnlyList<AssessedImpact> SocietalImpacts { get; init; }

    /// <summary>The controls the event shows in place (evidence that is true).</summary>
    public required IReadOnlyList<string> ExistingControls { get; init; }

    /// <summary>Open ethics and privacy risks of the system in the register that the event did not raise again (e.g. about an earlier change).</summary>
    public IReadOnlyList<string> OtherOpenRisks { get; init; } = [];

    /// <summary>How to complete the draft and record it.</summary>
    public required IReadOnlyList<string> ToComplete { get; init; }

    /// <summary>The benefits for the people affected and for the organisation, weighed against the impacts (A.5.4, A.5.5).</summary>
    public required string Benefits { get; init; }

    /// <summary>Who was consulted on the impacts and their severity.</summary>
    public required IReadOnlyList<string> Consulted { get; init; }

    /// <summary>Impacts no rule detects: foreseeable misuse, effects on rights; or none, and why.</summary>
    public required string AdditionalImpacts { get; init; }

    /// <summary>When the assessment is to be reviewed (A.5.3), <c>YYYY-MM-DD</c>.</summary>
    public required string ReviewBy { get; init; }

    /// <param name="registered">The system's risks in the register, when the draft is made from it: their status joins the impacts.</param>
    public static ImpactAssessmentDraft From(EventAssessment assessment, DateTimeOffset draftedAt, IReadOnlyList<RiskRecord>? registered = null)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var risks = (registered ?? []).Where(r => r.SystemId == assessment.Change.System.Id).ToDictionary(r => r.RuleId, StringComparer.Ordinal);
        var change = EventNormalizer.Normalize(assessment.Change);
        var system = change.System;
        var societal = assessment.Findings.Where(IsSocietal).ToList();
        var individual = assessment.Findings
            .Where(f => f.Category is "ethics" or "privacy" && (!IsSocietal(f) || f.Controls.Contains("A.5.4")))
            .ToList();
        return new ImpactAssessmentDraft
        {
            SystemId = system.Id,
            SystemName = system.Name,
            Owner = system.Owner,
            Purpose = system.Purpose,
            Domain = system.Domain,
            EuAiActRiskClass = system.EuAiActRiskClass,
            Exposure = system.Exposure,
            Autonomy = system.Autonomy,
            ModelName = change.Model!.Name,
            ModelVersion = change.Model.Version,
            EventId = change.EventId,
            ChangeType = change.ChangeType,
            OccurredAt = change.OccurredAt,
            DraftedAt = draftedAt,
            RuleSetVersion = assessment.RuleSetVersion,
            RuleSetHash = assessment.RuleSetHash,
            AffectedPersons = PersonsAffectedBy(change),
            IndividualImpacts = [.. individual.Select(f => Impact(f, risks))],
            SocietalImpacts = [.. societal.Select(f => Impact(f, risks))],
            OtherOpenRisks = [.. risks.Values
                .Where(r => r.IsOpen && r.Category is "ethics" or "privacy" && assessment.Findings.All(f => f.RuleId != r.RuleId))
                .OrderBy(r => r.RuleId, StringComparer.Ordinal)
                .Select(r => $"{r.RuleId}: {r.Title} ({Status(r)}; last seen {r.LastSeenAt:yyyy-MM-dd})")],
            ExistingControls = ControlsShownBy(change),
            ToComplete =
            [
                "Confirm or correct the affected persons and groups, and add those the event cannot know (e.g. relatives, bystanders, groups in vulnerable situations).",
                "For each impact: agree the severity with the people who know the context (domain experts, DPO, representatives of those affected), and decide on its open treatment or accept the residual risk.",
                "Replace every part in italics that begins with 'to complete' with the owner's answer: the decision on each impact, the benefits, who was consulted, the impacts no rule detects, the review date.",
                "Record it in the register: aims-risk impact-assessment submit --system <id> --file <this file> --actor <name> [--approved-by <name>]. It is refused while a part is left to complete; submitting again adds a new version.",
            ],
            Benefits = $"{Placeholder}: the benefits of the system for the people affected and for the organisation, to weigh against the impacts_",
            Consulted = [$"{Placeholder}: who was consulted on the impacts and their severity (domain experts, the DPO, representatives of the people affected), one entry each_"],
            AdditionalImpacts = $"{Placeholder}: impacts no rule detects: reasonably foreseeable misuse, effects on rights (non-discrimination, privacy, freedom of expression, access to services); or none identified, and why_",
            ReviewBy = $"{Placeholder}: YYYY-MM-DD_",
        };
    }

    private static bool IsSocietal(Finding finding) =>
        finding.Controls.Contains("A.5.5") || (finding.MitDomain is { } mit && SocietalMitDomains.Contains(ReferenceData.MitDomainOf(mit)));

    private static AssessedImpact Impact(Finding finding, Dictionary<string, RiskRecord> risks) => new()
    {
        RegisterStatus = risks.TryGetValue(finding.RuleId, out var risk) ? Status(risk) : null,
        RuleId = finding.RuleId,
        Title = finding.Title,
        How = WithoutScoring(finding),
        Level = finding.Level,
        Likelihood = finding.Likelihood,
        Impact = finding.Impact,
        Aggravating = finding.Modifiers,
        Controls = [.. finding.Controls.Select(c => ReferenceData.AnnexATitles.TryGetValue(c, out var title) ? $"{c} {title}" : c)],
        OpenTreatment = finding.RequiresTreatment
            ? finding.Guidance ?? finding.Title
            : $"Accepted: below the acceptance threshold ({finding.Level}). {finding.Guidance}".TrimEnd(),
        DueBy = finding.DueBy,
    };

    private static string Status(RiskRecord risk)
    {
        var status = $"{risk.Status}, level {risk.Level}";
        if (risk.ResidualLevel is { } residual)
        {
            status += $", residual {residual}";
        }

        if (risk.AcceptedUntil is { } until)
        {
            status += $", accepted by {risk.AcceptedBy} until {until:yyyy-MM-dd}";
        }
        else if (risk.DueBy is { } due && risk.IsOpen)
        {
            status += $", due {due:yyyy-MM-dd}";
        }

        return status;
    }

    /// <summary>The rationale without the scoring sentence the evaluator appends: the impact lists its modifiers itself.</summary>
    private static string WithoutScoring(Finding finding)
    {
        var scored = finding.Modifiers.Count == 0 ? -1 : finding.Rationale.LastIndexOf(". Scored likelihood ", StringComparison.Ordinal);
        return scored < 0 ? finding.Rationale : finding.Rationale[..scored];
    }

    private static List<string> PersonsAffectedBy(AiSystemChanged change)
    {
        var system = change.System;
        var persons = new List<string>();
        if (system.AffectsIndividuals == true)
        {
            persons.Add("individuals the system decides about or informs decisions about");
        }

        if (system.AffectsChildren == true)
        {
            persons.Add("children (under 18)");
        }

        persons.Add(system.Exposure switch
        {
            Contracts.Exposure.Public => "the public: anyone can use it or is exposed to its output",
            Contracts.Exposure.CustomerFacing => "customers who use it or receive its output",
            Contracts.Exposure.Internal => "staff who use it",
            _ => "users: exposure not declared",
        });

        if (system.BiometricUse is { } biometric and not BiometricUse.None)
        {
            persons.Add($"people whose biometric data is processed ({biometric})");
        }

        if (system.Agentic == true)
        {
            persons.Add("people and organisations the agent acts towards through its tools");
        }

        var personal = change.Datasets!.Where(d => d.ContainsPersonalData == true || d.SpecialCategoryData == true).Select(d => d.Name ?? "unnamed").ToList();
        if (personal.Count > 0)
        {
            persons.Add($"data subjects of {string.Join(", ", personal)}");
        }

        var special = change.Datasets!.Where(d => d.SpecialCategoryData == true).Select(d => d.Name ?? "unnamed").ToList();
        if (special.Count > 0)
        {
            persons.Add($"people whose special-category data is processed ({string.Join(", ", special)})");
        }

        return persons;
    }

    private static List<string> ControlsShownBy(AiSystemChanged change)
    {
        var evaluation = change.Evaluation!;
        var security = change.Security!;
        (string Name, bool? Value)[] evidence =
        [
            ("bias testing performed", evaluation.BiasTestingPerformed),
            ("robustness testing performed", evaluation.RobustnessTestingPerformed),
            ("human review completed", evaluation.HumanReviewCompleted),
            ("explainability available", evaluation.ExplainabilityAvailable),
            ("hallucination testing performed", evaluation.HallucinationTestingPerformed),
            ("drift monitoring enabled", evaluation.DriftMonitoringEnabled),
            ("environmental impact assessed", evaluation.EnvironmentalImpactAssessed),
            ("model artifact signed", security.ArtifactSigned),
            ("software bill of materials available", security.SbomAvailable),
            ("adversarial testing performed", security.AdversarialTestingPerformed),
            ("prompt injection testing performed", security.PromptInjectionTestingPerformed),
            ("agent tool permissions restricted", security.ToolPermissionsRestricted),
            ("model card available", change.Model!.ModelCardAvailable),
            ("supplier bound to notify incidents", change.Model.SupplierIncidentNotification),
        ];
        var controls = evidence.Where(e => e.Value == true).Select(e => e.Name).ToList();
        controls.AddRange(change.Datasets!.Where(d => d.Pseudonymised == true).Select(d => $"dataset {d.Name} pseudonymised"));
        controls.AddRange(change.Attributes!.Where(a => a.Value.Flag == true).Select(a => $"{a.Key} (attribute)").Order(StringComparer.Ordinal));
        return controls;
    }
}

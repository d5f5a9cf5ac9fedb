using System.Globalization;
using Aims.Risk.Contracts;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// The baseline of target 1: the shipped rule pack (rules/*.json, the 62 enabled rules) written by hand as plain C#
/// predicates over the normalised event, adding the ids of the rules that fire. Program's <c>verify</c>
/// step checks it fires exactly what the service fires, so the ratio compares like with like.
/// </summary>
public static class HandWrittenRules
{
    public const int Count = 62;

    private static readonly string[] Annex3 =
    [
        "biometric", "critical infrastructure", "critical-infrastructure", "road traffic", "water supply", "electricity grid",
        "education", "vocational", "student", "recruit", "hiring", "employment", "worker", "workforce",
        "creditworth", "credit scor", "credit-scor", "consumer credit", "lending", "loan", "public benefit", "public-benefit",
        "social benefit", "essential service", "essential-service", "emergency", "patient triage", "life insurance", "life-insurance",
        "health insurance", "health-insurance", "law enforcement", "law-enforcement", "police", "immigration", "asylum",
        "migrant", "border control", "border-control", "judicial", "justice", "electoral", "voting", "voter",
    ];

    private static readonly string[] WorkOrEducation = ["employment", "workplace", "human-resources", "workforce", "recruit", "education", "school", "university", "vocational"];
    private static readonly string[] WorkOrEducationPurpose = ["employee", "worker", "student", "pupil", "job applica", "candidate"];
    private static readonly string[] Employment = ["employment", "workplace", "human-resources", "workforce", "recruit"];
    private static readonly string[] EmploymentPurpose = ["employee", "worker", "job applica", "candidate", "recruit", "hiring"];
    private static readonly string[] EuRegions =
    [
        "eu", "eea", "west europe", "north europe", "westeurope", "northeurope", "francecentral", "francesouth",
        "germanywestcentral", "germanynorth", "swedencentral", "swedensouth", "italynorth", "polandcentral", "spaincentral",
        "norwayeast", "norwaywest", "austriaeast", "belgiumcentral", "denmarkeast", "switzerlandnorth", "switzerlandwest",
        "uksouth", "ukwest",
    ];

    private static readonly string[] NotQualityAlerts = ["security", "latency", "availability", "throughput", "capacity", "error-rate"];
    private static readonly string[] OperationalAlerts = ["latency", "availability", "throughput", "capacity", "error-rate"];

    public static void Fire(AiSystemChanged c, List<string> fired)
    {
        var t = c.ChangeType;
        var s = c.System;
        var m = c.Model!;
        var x = m.Metrics!;
        var sec = c.Security!;
        var ev = c.Evaluation!;
        var ds = c.Datasets!;
        var a = c.Attributes!;
        var outward = s.Exposure is Exposure.Public or Exposure.CustomerFacing;
        var affects = s.AffectsIndividuals == true;
        var high = s.EuAiActRiskClass == EuAiActRiskClass.High;
        var automated = s.Autonomy == Autonomy.FullyAutomated;
        var generative = s.Generative == true;
        var agentic = s.Agentic == true;

        // ethics.json
        if (affects && ev.BiasTestingPerformed != true) fired.Add("ETH-001");
        if (x.FairnessGap > 0.05) fired.Add("ETH-002");
        if (automated && affects && ev.HumanReviewCompleted != true) fired.Add("ETH-003");
        if (t == ChangeType.IntendedUseChanged && !Flag(a, "impactAssessmentCompleted")) fired.Add("ETH-004");
        if (high && ev.ExplainabilityAvailable != true) fired.Add("ETH-005");
        if (s.EuAiActRiskClass == EuAiActRiskClass.Unacceptable && t != ChangeType.Decommissioned) fired.Add("ETH-006");
        if (affects && (s.EuAiActRiskClass == null || s.EuAiActRiskClass == EuAiActRiskClass.Unknown)) fired.Add("ETH-007");
        if (outward && (generative || agentic) && !Flag(a, "aiInteractionDisclosed")) fired.Add("ETH-008");
        if (generative && outward && !Flag(a, "contentFilterEnabled")) fired.Add("ETH-009");
        if (affects && s.Autonomy is Autonomy.FullyAutomated or Autonomy.HumanOnTheLoop && !Flag(a, "appealProcessAvailable")) fired.Add("ETH-010");
        if (s.Autonomy == Autonomy.HumanInTheLoop && affects && !Flag(a, "reviewerTrainingCompleted")) fired.Add("ETH-012");
        if (s.EuAiActRiskClass is EuAiActRiskClass.Minimal or EuAiActRiskClass.Limited && (Mentions(s.Domain, Annex3) || Mentions(s.Purpose, Annex3)) && !Flag(a, "annexIIIExceptionDocumented")) fired.Add("ETH-013");
        if (s.BiometricUse is BiometricUse.Identification or BiometricUse.Categorisation or BiometricUse.EmotionRecognition && !Flag(a, "fundamentalRightsImpactAssessed")) fired.Add("ETH-014");
        if (s.BiometricUse == BiometricUse.EmotionRecognition && (Mentions(s.Domain, WorkOrEducation) || Mentions(s.Purpose, WorkOrEducationPurpose))) fired.Add("ETH-015");
        if (s.AffectsChildren == true && !Flag(a, "childImpactAssessed")) fired.Add("ETH-016");
        if (affects && (Mentions(s.Domain, Employment) || Mentions(s.Purpose, EmploymentPurpose)) && !Flag(a, "workersInformed")) fired.Add("ETH-017");
        if (agentic && s.Autonomy != Autonomy.HumanInTheLoop && !Flag(a, "consequentialActionsApproved")) fired.Add("ETH-018");
        if (generative && outward && !Flag(a, "outputMarkedAsAiGenerated")) fired.Add("ETH-019");
        if (generative && outward && !Flag(a, "outputCopyrightSafeguards")) fired.Add("ETH-020");
        if ((generative || x.TrainingEnergyKwh > 10000) && ev.EnvironmentalImpactAssessed != true) fired.Add("ETH-021");

        // security.json
        var external = m.Provenance is ModelProvenance.OpenWeights or ModelProvenance.ThirdPartyApi or ModelProvenance.Vendor;
        if (m.Name != null && sec.ArtifactSigned != true) fired.Add("SEC-001");
        if (sec.CriticalVulnerabilities > 0) fired.Add("SEC-002");
        if (sec.SbomAvailable != true) fired.Add("SEC-003");
        if (sec.AdversarialTestingPerformed != true) fired.Add("SEC-004");
        if (t == ChangeType.ThirdPartyComponentChanged && !Flag(a, "supplierReviewCompleted")) fired.Add("SEC-005");
        if (m.Provenance == ModelProvenance.OpenWeights && !Flag(a, "modelProvenanceDocumented")) fired.Add("SEC-006");
        if (t == ChangeType.MonitoringAlert && a.TryGetValue("alertType", out var alert) && alert.Text == "security") fired.Add("SEC-008");
        if (!Flag(a, "eventLoggingEnabled")) fired.Add("SEC-009");
        if (m.Provenance == ModelProvenance.ThirdPartyApi && !Flag(a, "supplierAgreementInPlace")) fired.Add("SEC-010");
        if (external && string.IsNullOrWhiteSpace(m.Licence)) fired.Add("SEC-011");
        if ((generative || agentic) && sec.PromptInjectionTestingPerformed != true) fired.Add("SEC-014");
        if (Any(ds, static d => d.Origin is DataOrigin.Public or DataOrigin.WebScraped or DataOrigin.UserGenerated && d.IntegrityVerified != true)) fired.Add("SEC-015");
        if (agentic && sec.ToolPermissionsRestricted != true) fired.Add("SEC-016");
        if ((m.Provenance is ModelProvenance.ThirdPartyApi or ModelProvenance.Vendor && (m.ModelCardAvailable != true || m.SupplierIncidentNotification != true))
            || (m.Provenance == ModelProvenance.OpenWeights && m.ModelCardAvailable != true)) fired.Add("SEC-017");
        if (generative && s.Exposure == Exposure.Public && !Flag(a, "abuseMonitoringEnabled")) fired.Add("SEC-018");

        // privacy.json
        var personal = Any(ds, static d => d.ContainsPersonalData == true);
        if (Any(ds, static d => d.ContainsPersonalData == true && d.SpecialCategoryData != true && string.IsNullOrWhiteSpace(d.ConsentBasis))) fired.Add("PRIV-001");
        if (Any(ds, static d => d.SpecialCategoryData == true) && !Flag(a, "dpiaCompleted")) fired.Add("PRIV-002");
        if (Any(ds, static d => d.SpecialCategoryData == true && string.IsNullOrWhiteSpace(d.SpecialCategoryCondition))) fired.Add("PRIV-003");
        if (Any(ds, static d => d.ProvenanceDocumented != true)) fired.Add("PRIV-004");
        if (Any(ds, static d => d.Origin != DataOrigin.WebScraped && string.IsNullOrWhiteSpace(d.Licence))) fired.Add("PRIV-005");
        if (Any(ds, static d => d.ContainsPersonalData == true && !string.IsNullOrWhiteSpace(d.Region) && !IsEu(d.Region!)) && !Flag(a, "transferSafeguardsInPlace")) fired.Add("PRIV-006");
        if (Any(ds, static d => d.ContainsPersonalData == true && string.IsNullOrWhiteSpace(d.Region))) fired.Add("PRIV-007");
        if (t == ChangeType.Decommissioned && !Flag(a, "dataDisposalPlanApproved")) fired.Add("PRIV-008");
        if (m.Provenance == ModelProvenance.ThirdPartyApi && (personal || Flag(a, "personalDataInPrompts")) && !Flag(a, "dataProcessingAgreement")) fired.Add("PRIV-009");
        if (outward && personal && !Flag(a, "privacyTestingPerformed")) fired.Add("PRIV-010");
        if (Any(ds, static d => (d.ContainsPersonalData == true || d.SpecialCategoryData == true) && d.Pseudonymised != true)) fired.Add("PRIV-011");
        if (t == ChangeType.IntendedUseChanged && personal && !Flag(a, "purposeCompatibilityAssessed")) fired.Add("PRIV-012");
        if (Any(ds, static d => d.Origin == DataOrigin.WebScraped && d.CopyrightCleared != true)) fired.Add("PRIV-013");

        // robustness.json
        if (x.PreviousAccuracy - x.Accuracy > 0.05) fired.Add("ROB-001");
        if (x.DriftScore > 0.15) fired.Add("ROB-003");
        if (high && ev.RobustnessTestingPerformed != true) fired.Add("ROB-005");
        var alertType = a.TryGetValue("alertType", out var type) ? type.Text : null;
        if (t == ChangeType.MonitoringAlert && !(alertType != null && NotQualityAlerts.Contains(alertType))) fired.Add("ROB-006");
        if (t == ChangeType.ModelDeployed && x.Accuracy == null) fired.Add("ROB-008");
        if (affects && x.Accuracy < 0.8) fired.Add("ROB-009");
        if (automated && !Flag(a, "rollbackPlanTested")) fired.Add("ROB-010");
        if (t == ChangeType.ThirdPartyComponentChanged && m.Version != m.PreviousVersion && ev.RobustnessTestingPerformed != true) fired.Add("ROB-011");
        if (t == ChangeType.DatasetChanged && !Flag(a, "dataQualityValidated")) fired.Add("ROB-012");
        if (t == ChangeType.Decommissioned && outward && !Flag(a, "usersNotified")) fired.Add("ROB-013");
        if (generative && ev.HallucinationTestingPerformed != true) fired.Add("ROB-014");
        if (t is ChangeType.ModelDeployed or ChangeType.ConfigurationChanged && ev.DriftMonitoringEnabled != true) fired.Add("ROB-015");
        if (t == ChangeType.MonitoringAlert && alertType != null && OperationalAlerts.Contains(alertType)) fired.Add("ROB-016");
        if (agentic && Flag(a, "interactsWithOtherAgents") && !Flag(a, "agentInteractionLimits")) fired.Add("ROB-017");
    }

    private static bool Flag(IReadOnlyDictionary<string, AttributeValue> attributes, string key) =>
        attributes.TryGetValue(key, out var value) && value.Flag == true;

    // A plain loop, as hand-written code would have it (the rules' Any() is a LINQ call with a lambda).
    private static bool Any(IReadOnlyList<DatasetInfo> datasets, Func<DatasetInfo, bool> predicate)
    {
        for (var i = 0; i < datasets.Count; i++)
        {
            if (predicate(datasets[i]))
            {
                return true;
            }
        }

        return false;
    }

    // The rules' own calls: ToLower() and StartsWith(string) use the current culture, Contains(string) is ordinal.
#pragma warning disable CA1862, CA1308 // the rules' semantics, not a better comparison
    private static bool Mentions(string? text, string[] keywords)
    {
        if (text is null)
        {
            return false;
        }

        var lower = text.ToLower(CultureInfo.CurrentCulture);
        foreach (var keyword in keywords)
        {
            if (lower.Contains(keyword, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEu(string region)
    {
        var r = region.Trim().ToLower(CultureInfo.CurrentCulture);
        return r.StartsWith("eu-", StringComparison.CurrentCulture) || r.StartsWith("europe", StringComparison.CurrentCulture)
            || r.StartsWith("eusc-", StringComparison.CurrentCulture) || r.StartsWith("uk-", StringComparison.CurrentCulture) || EuRegions.Contains(r);
    }
#pragma warning restore CA1862, CA1308
}

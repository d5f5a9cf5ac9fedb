using System.Globalization;
using Aims.Risk.Contracts;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// The baseline of target 1: the shipped rule pack (rules/*.json, 50 rules) written by hand as plain C#
/// predicates over the normalised event, adding the ids of the rules that fire. Program's <c>verify</c>
/// step checks it fires exactly what the service fires, so the ratio compares like with like.
/// </summary>
public static class HandWrittenRules
{
    public const int Count = 50;

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
        var registeredRetrainedDeployed = t is ChangeType.ModelRegistered or ChangeType.ModelRetrained or ChangeType.ModelDeployed;
        var deployed = t == ChangeType.ModelDeployed;
        var outward = s.Exposure is Exposure.Public or Exposure.CustomerFacing;
        var affects = s.AffectsIndividuals == true;

        // ethics.json
        if (registeredRetrainedDeployed && affects && ev.BiasTestingPerformed != true) fired.Add("ETH-001");
        if (x.FairnessGap > 0.1) fired.Add("ETH-002");
        if (t is ChangeType.ModelDeployed or ChangeType.IntendedUseChanged or ChangeType.ConfigurationChanged && s.Autonomy == Autonomy.FullyAutomated && affects && ev.HumanReviewCompleted != true) fired.Add("ETH-003");
        if (t == ChangeType.IntendedUseChanged && !Flag(a, "impactAssessmentCompleted")) fired.Add("ETH-004");
        if (registeredRetrainedDeployed && s.EuAiActRiskClass == EuAiActRiskClass.High && ev.ExplainabilityAvailable != true) fired.Add("ETH-005");
        if (s.EuAiActRiskClass == EuAiActRiskClass.Unacceptable && t != ChangeType.Decommissioned) fired.Add("ETH-006");
        if (deployed && affects && (s.EuAiActRiskClass == null || s.EuAiActRiskClass == EuAiActRiskClass.Unknown)) fired.Add("ETH-007");
        if (deployed && outward && !Flag(a, "aiInteractionDisclosed")) fired.Add("ETH-008");
        if (Flag(a, "generativeOutput") && outward && !Flag(a, "contentFilterEnabled")) fired.Add("ETH-009");
        if (t is ChangeType.ModelDeployed or ChangeType.IntendedUseChanged && affects && s.Autonomy is Autonomy.FullyAutomated or Autonomy.HumanOnTheLoop && !Flag(a, "appealProcessAvailable")) fired.Add("ETH-010");
        if (x.FairnessGap > 0.05 && x.FairnessGap <= 0.1) fired.Add("ETH-011");
        if (deployed && s.Autonomy == Autonomy.HumanInTheLoop && affects && !Flag(a, "reviewerTrainingCompleted")) fired.Add("ETH-012");

        // security.json
        if (t is ChangeType.ModelRegistered or ChangeType.ModelDeployed && sec.ArtifactSigned != true) fired.Add("SEC-001");
        if (sec.CriticalVulnerabilities > 0) fired.Add("SEC-002");
        if (t is ChangeType.ModelDeployed or ChangeType.ThirdPartyComponentChanged && sec.SbomAvailable != true) fired.Add("SEC-003");
        if (deployed && outward && sec.AdversarialTestingPerformed != true) fired.Add("SEC-004");
        if (t == ChangeType.ThirdPartyComponentChanged && !Flag(a, "supplierReviewCompleted")) fired.Add("SEC-005");
        if (registeredRetrainedDeployed && m.Provenance == ModelProvenance.OpenWeights && !Flag(a, "modelProvenanceDocumented")) fired.Add("SEC-006");
        if (deployed && s.Exposure == Exposure.Public && sec.CriticalVulnerabilities > 0) fired.Add("SEC-007");
        if (t == ChangeType.MonitoringAlert && a.TryGetValue("alertType", out var alert) && alert.Text == "security") fired.Add("SEC-008");
        if (t is ChangeType.ModelDeployed or ChangeType.ConfigurationChanged && a.TryGetValue("eventLoggingEnabled", out var logging) && logging.Flag == false) fired.Add("SEC-009");
        if (t is ChangeType.ModelDeployed or ChangeType.ThirdPartyComponentChanged && m.Provenance == ModelProvenance.ThirdPartyApi && !Flag(a, "supplierAgreementInPlace")) fired.Add("SEC-010");
        if (m.Provenance is ModelProvenance.OpenWeights or ModelProvenance.ThirdPartyApi && string.IsNullOrWhiteSpace(m.Licence)) fired.Add("SEC-011");
        if (m.Provenance == ModelProvenance.Vendor && string.IsNullOrWhiteSpace(m.Licence)) fired.Add("SEC-012");
        if (deployed && s.Exposure == Exposure.Internal && sec.AdversarialTestingPerformed != true) fired.Add("SEC-013");

        // privacy.json
        var personal = Any(ds, static d => d.ContainsPersonalData == true);
        if (Any(ds, static d => d.ContainsPersonalData == true && string.IsNullOrWhiteSpace(d.ConsentBasis))) fired.Add("PRIV-001");
        if (Any(ds, static d => d.SpecialCategoryData == true) && !Flag(a, "dpiaCompleted")) fired.Add("PRIV-002");
        if (Any(ds, static d => d.SpecialCategoryData == true && string.IsNullOrWhiteSpace(d.ConsentBasis))) fired.Add("PRIV-003");
        if (Any(ds, static d => d.ProvenanceDocumented != true)) fired.Add("PRIV-004");
        if (Any(ds, static d => string.IsNullOrWhiteSpace(d.Licence))) fired.Add("PRIV-005");
        if (Any(ds, static d => d.ContainsPersonalData == true && !string.IsNullOrWhiteSpace(d.Region) && !IsEu(d.Region!)) && !Flag(a, "transferSafeguardsInPlace")) fired.Add("PRIV-006");
        if (Any(ds, static d => d.ContainsPersonalData == true && string.IsNullOrWhiteSpace(d.Region))) fired.Add("PRIV-007");
        if (t == ChangeType.Decommissioned && !Flag(a, "dataDisposalPlanApproved")) fired.Add("PRIV-008");
        if (m.Provenance == ModelProvenance.ThirdPartyApi && (personal || Flag(a, "personalDataInPrompts")) && !Flag(a, "dataProcessingAgreement")) fired.Add("PRIV-009");
        if (deployed && outward && personal && !Flag(a, "privacyTestingPerformed")) fired.Add("PRIV-010");
        if (t == ChangeType.DatasetChanged && s.Exposure == Exposure.Internal && Any(ds, static d => d.ContainsPersonalData == true && !string.IsNullOrWhiteSpace(d.ConsentBasis)) && !Flag(a, "pseudonymised")) fired.Add("PRIV-011");
        if (t == ChangeType.IntendedUseChanged && personal && !Flag(a, "purposeCompatibilityAssessed")) fired.Add("PRIV-012");

        // robustness.json
        if (x.PreviousAccuracy - x.Accuracy > 0.05) fired.Add("ROB-001");
        if (x.PreviousAccuracy - x.Accuracy > 0.15 && outward) fired.Add("ROB-002");
        if (x.DriftScore > 0.3) fired.Add("ROB-003");
        if (x.DriftScore > 0.15 && x.DriftScore <= 0.3) fired.Add("ROB-004");
        if (registeredRetrainedDeployed && s.EuAiActRiskClass == EuAiActRiskClass.High && ev.RobustnessTestingPerformed != true) fired.Add("ROB-005");
        if (t == ChangeType.MonitoringAlert && outward) fired.Add("ROB-006");
        if (t == ChangeType.MonitoringAlert && s.Exposure == Exposure.Internal) fired.Add("ROB-007");
        if (deployed && x.Accuracy == null) fired.Add("ROB-008");
        if (affects && x.Accuracy < 0.8) fired.Add("ROB-009");
        if (deployed && s.Autonomy == Autonomy.FullyAutomated && !Flag(a, "rollbackPlanTested")) fired.Add("ROB-010");
        if (t == ChangeType.ThirdPartyComponentChanged && m.Version != m.PreviousVersion && ev.RobustnessTestingPerformed != true) fired.Add("ROB-011");
        if (t == ChangeType.DatasetChanged && !Flag(a, "dataQualityValidated")) fired.Add("ROB-012");
        if (t == ChangeType.Decommissioned && outward && !Flag(a, "usersNotified")) fired.Add("ROB-013");
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

    // The rule's own calls: ToUpper() and StartsWith(string) use the current culture.
#pragma warning disable CA1862 // the rule's semantics, not a better comparison
    private static bool IsEu(string region) =>
        region.ToUpper(CultureInfo.CurrentCulture) == "EU" || region.ToLower(CultureInfo.CurrentCulture).StartsWith("eu-", StringComparison.CurrentCulture);
#pragma warning restore CA1862
}

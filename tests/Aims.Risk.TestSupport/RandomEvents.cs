using System.Text.RegularExpressions;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.TestSupport;

/// <summary>
/// Seeded generator of varied, valid change events: every optional field is sometimes absent, sometimes
/// set, and the attributes are those the rule set reads, so that every rule has a chance to fire.
/// </summary>
public sealed partial class RandomEvents(int seed, RuleSet ruleSet)
{
    private static readonly string[] Regions = ["EU", "eu-west-1", "US", "us-east-1", "APAC", "", "uk", "europe-west4", "westeurope", "eastus"];
    private static readonly string[] Licences = ["Apache-2.0", "MIT", "proprietary", "", "CC-BY-NC-4.0"];
    private static readonly string[] Texts = ["security", "performance", "drift", "fairness", "", "latency", "availability"];

    private readonly Random _random = new(seed);
    private readonly string[] _attributes = [.. ruleSet.Rules
        .SelectMany(r => AttributeName().Matches(r.Definition.Expression).Select(m => m.Groups[1].Value))
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)];

    [GeneratedRegex("Attributes\\[\"(\\w+)\"\\]")]
    private static partial Regex AttributeName();

    public AiSystemChanged Next() => new()
    {
        EventId = Guid.NewGuid(),
        OccurredAt = SampleEvents.Now.AddMinutes(-_random.Next(100_000)),
        Source = "generator",
        ChangeType = Pick(Enum.GetValues<ChangeType>()),
        System = new AiSystem
        {
            Id = $"system-{_random.Next(50)}",
            Name = Maybe(() => Pick(["Support chatbot", "Credit scoring", "CV screening", "Triage"]))!,
            Owner = "owner@example.com",
            Purpose = Maybe(() => Pick(["purpose", "Rank job applications for recruiters", "Advise tenants on rent law"])),
            Domain = Maybe(() => Pick(["finance", "health", "hr", "retail", "employment", "life-insurance", "legal-information"])),
            Exposure = MaybeValue(() => Pick(Enum.GetValues<Exposure>())),
            Autonomy = MaybeValue(() => Pick(Enum.GetValues<Autonomy>())),
            AffectsIndividuals = MaybeBool(),
            EuAiActRiskClass = MaybeValue(() => Pick(Enum.GetValues<EuAiActRiskClass>())),
            Generative = MaybeBool(),
            Agentic = MaybeBool(),
            AffectsChildren = MaybeBool(),
            BiometricUse = MaybeValue(() => Pick(Enum.GetValues<BiometricUse>())),
        },
        Model = Maybe(() => new ModelInfo
        {
            Name = Maybe(() => "model"),
            Version = Maybe(() => "2.0.0"),
            PreviousVersion = Maybe(() => "1.0.0"),
            Provenance = MaybeValue(() => Pick(Enum.GetValues<ModelProvenance>())),
            Licence = Maybe(() => Pick(Licences)),
            ModelCardAvailable = MaybeBool(),
            SupplierIncidentNotification = MaybeBool(),
            Metrics = Maybe(() => new ModelMetrics
            {
                Accuracy = MaybeValue(() => Math.Round(_random.NextDouble(), 3)),
                PreviousAccuracy = MaybeValue(() => Math.Round(_random.NextDouble(), 3)),
                FairnessGap = MaybeValue(() => Math.Round(_random.NextDouble() * 0.3, 3)),
                DriftScore = MaybeValue(() => Math.Round(_random.NextDouble() * 0.6, 3)),
                TrainingEnergyKwh = MaybeValue(() => Math.Round(_random.NextDouble() * 200_000)),
            }),
        }),
        Datasets = Maybe(() => (IReadOnlyList<DatasetInfo>)[.. Enumerable.Range(0, _random.Next(4)).Select(i => new DatasetInfo
        {
            Name = $"dataset-{i}",
            ContainsPersonalData = MaybeBool(),
            SpecialCategoryData = MaybeBool(),
            ConsentBasis = Maybe(() => Pick(["consent", "contract", "legitimate-interest", ""])),
            ProvenanceDocumented = MaybeBool(),
            Licence = Maybe(() => Pick(Licences)),
            Region = Maybe(() => Pick(Regions)),
            SpecialCategoryCondition = Maybe(() => Pick(["explicit consent", ""])),
            Pseudonymised = MaybeBool(),
            Origin = MaybeValue(() => Pick(Enum.GetValues<DataOrigin>())),
            IntegrityVerified = MaybeBool(),
            CopyrightCleared = MaybeBool(),
        })]),
        Security = Maybe(() => new SecurityInfo
        {
            ArtifactSigned = MaybeBool(),
            SbomAvailable = MaybeBool(),
            CriticalVulnerabilities = MaybeValue(() => _random.Next(4)),
            AdversarialTestingPerformed = MaybeBool(),
            PromptInjectionTestingPerformed = MaybeBool(),
            ToolPermissionsRestricted = MaybeBool(),
        }),
        Evaluation = Maybe(() => new EvaluationInfo
        {
            BiasTestingPerformed = MaybeBool(),
            RobustnessTestingPerformed = MaybeBool(),
            HumanReviewCompleted = MaybeBool(),
            ExplainabilityAvailable = MaybeBool(),
            HallucinationTestingPerformed = MaybeBool(),
            DriftMonitoringEnabled = MaybeBool(),
            EnvironmentalImpactAssessed = MaybeBool(),
        }),
        Attributes = Maybe(() => (IReadOnlyDictionary<string, AttributeValue>)_attributes
            .Where(_ => _random.Next(2) == 0)
            .ToDictionary(a => a, _ => _random.Next(4) == 0 ? AttributeValue.Of(Pick(Texts)) : AttributeValue.Of(_random.Next(2) == 0))),
    };

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];

    private T? Maybe<T>(Func<T> value)
        where T : class => _random.Next(4) == 0 ? null : value();

    private T? MaybeValue<T>(Func<T> value)
        where T : struct => _random.Next(4) == 0 ? null : value();

    private bool? MaybeBool() => _random.Next(3) switch { 0 => null, 1 => true, _ => false };
}

using System.Globalization;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Catalog;

namespace Aims.Risk.Core.Sources;

/// <summary>
/// Turns a <see cref="PlatformChange"/> into an <see cref="AiSystemChanged"/>: the catalogue's system, evidence and
/// attributes first, then the event's tags with the prefix (tags win). Which source supplied each field is recorded
/// in the attributes <c>fieldSource.&lt;field&gt;</c> (<c>catalog &lt;version&gt;</c> or <c>tag &lt;key&gt;</c>), so the
/// register's payload shows it. A model the catalogue does not list is refused, never assessed with guessed values.
/// </summary>
public static class ChangeComposer
{
    /// <summary>The attribute key prefix that records where a field's value came from.</summary>
    public const string FieldSourcePrefix = "fieldSource.";

    /// <summary>The tag names after the prefix that fill a field (any other prefixed tag is refused as a likely typo).</summary>
    public static IReadOnlyList<string> TagFields { get; } =
    [
        "name", "owner", "purpose", "domain", "exposure", "autonomy", "affectsIndividuals", "euAiActRiskClass",
        "security.artifactSigned", "security.sbomAvailable", "security.criticalVulnerabilities", "security.adversarialTestingPerformed",
        "evaluation.biasTestingPerformed", "evaluation.robustnessTestingPerformed", "evaluation.humanReviewCompleted", "evaluation.explainabilityAvailable",
        "model.provenance", "model.licence", "model.previousVersion",
        "metrics.accuracy", "metrics.previousAccuracy", "metrics.fairnessGap", "metrics.driftScore",
        "attributes.<key>",
    ];

    /// <exception cref="UnprocessableChangeException">The model is not in the catalogue, or a tag's value is not allowed.</exception>
    public static AiSystemChanged Compose(PlatformChange change, SystemCatalog? catalog, string? catalogPath, string tagPrefix)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(tagPrefix);
        var key = $"{change.Platform}:{change.Model}";
        if (catalog is null)
        {
            throw new UnprocessableChangeException($"model '{key}' cannot be assessed: no system catalogue is configured (Catalog:Path)");
        }

        var entry = catalog.Find(change.Platform, change.Model)
            ?? throw new UnprocessableChangeException($"model '{key}' is not in the system catalogue '{catalogPath ?? catalog.Path}' (version {catalog.Version}): add it to a system's platformModels");

        var fromCatalog = $"catalog {catalog.Version}";
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var (name, value) in entry.Attributes ?? new Dictionary<string, AttributeValue>())
        {
            attributes[name] = value;
            sources[$"attributes.{name}"] = fromCatalog;
        }

        foreach (var (name, value) in change.Attributes)
        {
            attributes[name] = value;
        }

        var system = entry.System;
        var security = entry.Evidence?.Security ?? new SecurityInfo();
        var evaluation = entry.Evidence?.Evaluation ?? new EvaluationInfo();
        var model = change.ModelInfo ?? new ModelInfo();
        var metrics = model.Metrics ?? new ModelMetrics();
        Record(sources, "system", fromCatalog, system.Name, system.Owner, system.Purpose, system.Domain, system.Exposure, system.Autonomy, system.AffectsIndividuals, system.EuAiActRiskClass);
        Record(sources, "security", fromCatalog, security.ArtifactSigned, security.SbomAvailable, security.CriticalVulnerabilities, security.AdversarialTestingPerformed);
        Record(sources, "evaluation", fromCatalog, evaluation.BiasTestingPerformed, evaluation.RobustnessTestingPerformed, evaluation.HumanReviewCompleted, evaluation.ExplainabilityAvailable);

        foreach (var (tag, raw) in change.Tags.Where(t => t.Key.StartsWith(tagPrefix, StringComparison.Ordinal)).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var field = tag[tagPrefix.Length..];
            var value = raw.Trim();
            var source = $"tag {tag}";
            switch (field)
            {
                case "name": system = system with { Name = value }; break;
                case "owner": system = system with { Owner = value }; break;
                case "purpose": system = system with { Purpose = value }; break;
                case "domain": system = system with { Domain = value }; break;
                case "exposure": system = system with { Exposure = Enum<Exposure>(tag, value) }; break;
                case "autonomy": system = system with { Autonomy = Enum<Autonomy>(tag, value) }; break;
                case "affectsIndividuals": system = system with { AffectsIndividuals = Bool(tag, value) }; break;
                case "euAiActRiskClass": system = system with { EuAiActRiskClass = Enum<EuAiActRiskClass>(tag, value) }; break;
                case "security.artifactSigned": security = security with { ArtifactSigned = Bool(tag, value) }; break;
                case "security.sbomAvailable": security = security with { SbomAvailable = Bool(tag, value) }; break;
                case "security.criticalVulnerabilities": security = security with { CriticalVulnerabilities = Int(tag, value) }; break;
                case "security.adversarialTestingPerformed": security = security with { AdversarialTestingPerformed = Bool(tag, value) }; break;
                case "evaluation.biasTestingPerformed": evaluation = evaluation with { BiasTestingPerformed = Bool(tag, value) }; break;
                case "evaluation.robustnessTestingPerformed": evaluation = evaluation with { RobustnessTestingPerformed = Bool(tag, value) }; break;
                case "evaluation.humanReviewCompleted": evaluation = evaluation with { HumanReviewCompleted = Bool(tag, value) }; break;
                case "evaluation.explainabilityAvailable": evaluation = evaluation with { ExplainabilityAvailable = Bool(tag, value) }; break;
                case "model.provenance": model = model with { Provenance = Enum<ModelProvenance>(tag, value) }; break;
                case "model.licence": model = model with { Licence = value }; break;
                case "model.previousVersion": model = model with { PreviousVersion = value }; break;
                case "metrics.accuracy": metrics = metrics with { Accuracy = Number(tag, value) }; break;
                case "metrics.previousAccuracy": metrics = metrics with { PreviousAccuracy = Number(tag, value) }; break;
                case "metrics.fairnessGap": metrics = metrics with { FairnessGap = Number(tag, value) }; break;
                case "metrics.driftScore": metrics = metrics with { DriftScore = Number(tag, value) }; break;
                case var attribute when attribute.StartsWith("attributes.", StringComparison.Ordinal) && attribute.Length > "attributes.".Length:
                    attributes[attribute["attributes.".Length..]] = Attribute(value);
                    break;
                default:
                    throw new UnprocessableChangeException($"tag '{tag}' of model '{key}' names no field; the tags with prefix '{tagPrefix}' are: {string.Join(", ", TagFields)}");
            }

            sources[field.StartsWith("security.", StringComparison.Ordinal) || field.StartsWith("evaluation.", StringComparison.Ordinal)
                || field.StartsWith("model.", StringComparison.Ordinal) || field.StartsWith("metrics.", StringComparison.Ordinal)
                || field.StartsWith("attributes.", StringComparison.Ordinal) ? field : $"system.{field}"] = source;
        }

        foreach (var (field, source) in sources)
        {
            attributes[FieldSourcePrefix + field] = AttributeValue.Of(source);
        }

        var hasMetrics = metrics != new ModelMetrics();
        return new AiSystemChanged
        {
            EventId = change.EventId,
            OccurredAt = change.OccurredAt,
            Source = change.Source,
            ChangeType = change.ChangeType,
            System = system,
            Model = model with { Metrics = hasMetrics ? metrics : null },
            Security = security == new SecurityInfo() ? null : security,
            Evaluation = evaluation == new EvaluationInfo() ? null : evaluation,
            Attributes = attributes,
        };
    }

    /// <summary>Records the catalogue as the source of each set field of a catalogue object, by the field's contract name.</summary>
    private static void Record(Dictionary<string, string> sources, string prefix, string source, params object?[] values)
    {
        string[] names = prefix switch
        {
            "system" => ["name", "owner", "purpose", "domain", "exposure", "autonomy", "affectsIndividuals", "euAiActRiskClass"],
            "security" => ["artifactSigned", "sbomAvailable", "criticalVulnerabilities", "adversarialTestingPerformed"],
            _ => ["biasTestingPerformed", "robustnessTestingPerformed", "humanReviewCompleted", "explainabilityAvailable"],
        };
        for (var i = 0; i < names.Length; i++)
        {
            if (values[i] is not null)
            {
                sources[$"{prefix}.{names[i]}"] = source;
            }
        }
    }

    private static T Enum<T>(string tag, string value)
        where T : struct, Enum =>
        System.Enum.GetNames<T>().Contains(value, StringComparer.Ordinal)
            ? System.Enum.Parse<T>(value)
            : throw new UnprocessableChangeException($"tag '{tag}': '{value}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}");

    private static bool Bool(string tag, string value) => value.ToUpperInvariant() switch
    {
        "TRUE" => true,
        "FALSE" => false,
        _ => throw new UnprocessableChangeException($"tag '{tag}': '{value}' is not true or false"),
    };

    private static int Int(string tag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new UnprocessableChangeException($"tag '{tag}': '{value}' is not a whole number of 0 or more");

    private static double Number(string tag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new UnprocessableChangeException($"tag '{tag}': '{value}' is not a number");

    /// <summary>A tag's text as the attribute type rules compare with: true/false as a flag, a number as a number.</summary>
    private static AttributeValue Attribute(string value) => value.ToUpperInvariant() switch
    {
        "TRUE" => AttributeValue.Of(true),
        "FALSE" => AttributeValue.Of(false),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => AttributeValue.Of(number),
        _ => AttributeValue.Of(value),
    };
}

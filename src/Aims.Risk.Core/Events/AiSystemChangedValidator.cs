using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Events;

/// <summary>The checks that JSON types alone cannot make: ids present, values in range, sizes bounded.</summary>
public static class AiSystemChangedValidator
{
    public const int MaxIdLength = 200;
    public const int MaxTextLength = 4096;
    public const int MaxDatasets = 1000;
    public const int MaxAttributes = 256;

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far ahead of this machine's clock an event may be dated (clock skew between hosts).</summary>
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromDays(1);

    public static IReadOnlyList<string> Validate(AiSystemChanged change, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(change);
        var problems = new List<string>();
        if (change.EventId == Guid.Empty)
        {
            problems.Add("eventId: must not be the empty UUID");
        }

        if (change.OccurredAt < Earliest || change.OccurredAt > now + AllowedClockSkew)
        {
            problems.Add($"occurredAt: {change.OccurredAt:O} is out of range (from {Earliest:yyyy-MM-dd} to one day ahead of now)");
        }

        Text(problems, "source", change.Source, required: true, MaxIdLength);
        if (change.System is null)
        {
            problems.Add("system: is required");
        }
        else
        {
            Text(problems, "system.id", change.System.Id, required: true, MaxIdLength);
            Text(problems, "system.name", change.System.Name, required: true, MaxIdLength);
            Text(problems, "system.owner", change.System.Owner, required: true, MaxIdLength);
            Text(problems, "system.purpose", change.System.Purpose, required: false, MaxTextLength);
            Text(problems, "system.domain", change.System.Domain, required: false, MaxIdLength);
        }

        if (change.Model is { } model)
        {
            Text(problems, "model.name", model.Name, required: false, MaxIdLength);
            Text(problems, "model.version", model.Version, required: false, MaxIdLength);
            Text(problems, "model.previousVersion", model.PreviousVersion, required: false, MaxIdLength);
            Text(problems, "model.licence", model.Licence, required: false, MaxIdLength);
            if (model.Metrics is { } metrics)
            {
                Fraction(problems, "model.metrics.accuracy", metrics.Accuracy);
                Fraction(problems, "model.metrics.previousAccuracy", metrics.PreviousAccuracy);
                Fraction(problems, "model.metrics.fairnessGap", metrics.FairnessGap);
                if (metrics.DriftScore is { } drift && (drift < 0 || !double.IsFinite(drift)))
                {
                    problems.Add($"model.metrics.driftScore: {drift} is out of range (0 or more)");
                }

                if (metrics.TrainingEnergyKwh is { } energy && (energy < 0 || !double.IsFinite(energy)))
                {
                    problems.Add($"model.metrics.trainingEnergyKwh: {energy} is out of range (0 or more)");
                }
            }
        }

        if (change.Datasets is { } datasets)
        {
            if (datasets.Count > MaxDatasets)
            {
                problems.Add($"datasets: {datasets.Count} items; the limit is {MaxDatasets}");
            }
            else
            {
                for (var i = 0; i < datasets.Count; i++)
                {
                    // Not a pattern variable: Stryker.NET's instrumentation cannot prove it assigned (docs/testing.md).
                    var dataset = datasets[i];
                    if (dataset is null)
                    {
                        problems.Add($"datasets[{i}]: must be an object, not null");
                        continue;
                    }

                    Text(problems, $"datasets[{i}].name", dataset.Name, required: false, MaxIdLength);
                    Text(problems, $"datasets[{i}].consentBasis", dataset.ConsentBasis, required: false, MaxIdLength);
                    Text(problems, $"datasets[{i}].licence", dataset.Licence, required: false, MaxIdLength);
                    Text(problems, $"datasets[{i}].region", dataset.Region, required: false, MaxIdLength);
                    Text(problems, $"datasets[{i}].specialCategoryCondition", dataset.SpecialCategoryCondition, required: false, MaxIdLength);
                }
            }
        }

        if (change.Security?.CriticalVulnerabilities is < 0)
        {
            problems.Add($"security.criticalVulnerabilities: {change.Security.CriticalVulnerabilities} is out of range (0 or more)");
        }

        if (change.Attributes is { } attributes)
        {
            if (attributes.Count > MaxAttributes)
            {
                problems.Add($"attributes: {attributes.Count} entries; the limit is {MaxAttributes}");
            }
            else
            {
                foreach (var (key, value) in attributes)
                {
                    if (key.Length is 0 or > MaxIdLength)
                    {
                        problems.Add($"attributes: a key must have 1 to {MaxIdLength} characters");
                    }
                    else if (value is null)
                    {
                        problems.Add($"attributes.{key}: must be a string, a number or a boolean, not null");
                    }
                    else if (value.Text is { Length: > MaxTextLength })
                    {
                        problems.Add($"attributes.{key}: longer than {MaxTextLength} characters");
                    }
                }
            }
        }

        return problems;
    }

    private static void Text(List<string> problems, string field, string? value, bool required, int maxLength)
    {
        // Optional text may be blank (a publisher's "unknown"); rules decide what blank means.
        if (required && string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{field}: is required and must not be empty");
        }
        else if (value is not null && value.Length > maxLength)
        {
            problems.Add($"{field}: {value.Length} characters; the limit is {maxLength}");
        }
    }

    private static void Fraction(List<string> problems, string field, double? value)
    {
        if (value is { } v && (v < 0 || v > 1 || !double.IsFinite(v)))
        {
            problems.Add($"{field}: {v} is out of range (0 to 1)");
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Impact;

/// <summary>
/// Reads a completed impact assessment, in the Markdown or the JSON the draft was written in, strictly: every problem
/// is reported at once, each naming where it is (a line of the Markdown, a field of the JSON) and what is wrong — a
/// part still to complete, a missing or malformed value, a section or field that is not the draft's.
/// </summary>
public static partial class ImpactAssessmentReader
{
    public const string Markdown = "md";

    public const string Json = "json";

    private const string Sha256Hex = "a SHA-256 in lower-case hex (64 characters)";

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = ContractJson.MaxDepth, AllowDuplicateProperties = false };

    /// <summary>The draft's informational fields: checked for their type only.</summary>
    private static readonly HashSet<string> InformationalStrings = new(StringComparer.Ordinal)
    {
        "systemName", "owner", "domain", "euAiActRiskClass", "exposure", "autonomy", "modelName", "changeType", "occurredAt", "draftedAt",
    };

    private static readonly HashSet<string> ImpactStrings = new(StringComparer.Ordinal) { "title", "how", "level", "openTreatment", "dueBy", "registerStatus" };

    [GeneratedRegex(@"^[A-Z]{2,5}-[0-9]{3}$")]
    private static partial Regex RuleIdPattern();

    [GeneratedRegex(@"^(?<rule>[A-Z]{2,5}-[0-9]{3}):")]
    private static partial Regex RuleIdPrefix();

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersion();

    [GeneratedRegex(@"^[0-9a-f]{64}$")]
    private static partial Regex Sha256();

    [GeneratedRegex(@"^event (?<event>\S+) \([^)]*\), rule set (?<version>\S+) \((?<hash>[^)]*)\)$")]
    private static partial Regex BasedOn();

    /// <summary>The format a file name says (<c>.md</c>, <c>.markdown</c>, <c>.json</c>), or null.</summary>
    public static string? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => Markdown,
        ".json" => Json,
        _ => null,
    };

    /// <summary>The checked document, or null with every problem added to <paramref name="problems"/>.</summary>
    /// <param name="systemId">The system the owner says it is of: the document must say the same.</param>
    /// <param name="today">The submission's date: the review must come after it.</param>
    public static ImpactAssessmentDocument? Read(string text, string format, string systemId, DateOnly today, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(problems);
        var before = problems.Count;
        var fields = format switch
        {
            Markdown => ReadMarkdown(text, problems),
            Json => ReadJson(text, problems),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "md or json"),
        };
        if (fields is null)
        {
            return null;
        }

        var document = Check(fields, systemId, today, problems);
        return problems.Count == before ? document : null;
    }

    private static ImpactAssessmentDocument? Check(Fields f, string expectedSystemId, DateOnly today, ICollection<string> problems)
    {
        foreach (var where in f.Placeholders)
        {
            problems.Add($"{where}: still to complete (replace the part that begins with '{ImpactAssessmentDraft.Placeholder}' with the owner's answer)");
        }

        var systemId = Required(f.SystemId, "the system's id", ColumnLimits.SystemId);
        if (systemId is not null && !string.Equals(systemId, expectedSystemId, StringComparison.Ordinal))
        {
            systemId = Refuse<string>(f.SystemId, $"the assessment of system '{systemId}', not of '{expectedSystemId}' (--system)");
        }

        var purpose = Required(f.Purpose, "the intended use assessed (the system's purpose)", AiSystemChangedValidator.MaxTextLength);
        if (purpose is not null && string.Equals(purpose, ImpactAssessmentMarkdown.NotDeclared, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{f.Purpose.Where}: not declared: an impact assessment assesses an intended use; write the system's purpose");
            purpose = null;
        }

        var modelVersion = f.ModelVersion.Value is { } declared && !string.IsNullOrWhiteSpace(declared)
            && !string.Equals(declared.Trim(), ImpactAssessmentMarkdown.NotDeclared, StringComparison.OrdinalIgnoreCase)
            ? Bounded(f.ModelVersion, ColumnLimits.ModelVersion)
            : null;

        Guid? eventId = null;
        if (Required(f.EventId, "the event the draft was made from") is { } eventText)
        {
            eventId = Guid.TryParseExact(eventText, "D", out var parsed) ? parsed : Refuse<Guid?>(f.EventId, $"'{eventText}' is not an event id (a UUID)");
        }

        var version = Required(f.RuleSetVersion, "the rule set's version", ColumnLimits.RuleSetVersion);
        if (version is not null && !SemanticVersion().IsMatch(version))
        {
            version = Refuse<string>(f.RuleSetVersion, $"'{version}' is not a rule set version (MAJOR.MINOR.PATCH)");
        }

        var hash = Required(f.RuleSetHash, "the rule set's SHA-256");
        if (hash is not null && !Sha256().IsMatch(hash))
        {
            hash = Refuse<string>(f.RuleSetHash, $"'{hash}' is not {Sha256Hex}");
        }

        DateOnly? reviewBy = null;
        if (Required(f.ReviewBy, "the date of the next review (A.5.3), YYYY-MM-DD") is { } reviewText && !reviewText.Contains(ImpactAssessmentDraft.Placeholder, StringComparison.OrdinalIgnoreCase))
        {
            if (!DateOnly.TryParseExact(reviewText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                problems.Add($"{f.ReviewBy.Where}: '{reviewText}' is not a date (YYYY-MM-DD)");
            }
            else if (date <= today)
            {
                problems.Add($"{f.ReviewBy.Where}: {reviewText} is not after today ({today:yyyy-MM-dd}): plan the next review");
            }
            else
            {
                reviewBy = date;
            }
        }

        if (f.AffectedPersons.Count == 0)
        {
            problems.Add($"{f.AffectedPersonsWhere}: nobody is named: list the people and groups the system affects");
        }

        _ = Required(f.Benefits, "the benefits, to weigh against the impacts");
        _ = Required(f.AdditionalImpacts, "the impacts no rule detects (or none identified, and why)");
        if (!f.Consulted.Any(c => !string.IsNullOrWhiteSpace(c)))
        {
            problems.Add($"{f.ConsultedWhere}: nobody is named: list who was consulted on the impacts and their severity");
        }

        foreach (var impact in f.Impacts)
        {
            if (impact.RuleId is null || !RuleIdPattern().IsMatch(impact.RuleId))
            {
                problems.Add($"{impact.Where}: '{impact.RuleId}' is not a rule id (e.g. ETH-004)");
            }

            if (string.IsNullOrWhiteSpace(impact.Decision))
            {
                problems.Add($"{impact.Where}: the decision is missing: how the impact is treated and by when, or who accepts the residual risk");
            }
        }

        if (systemId is null || purpose is null || eventId is null || version is null || hash is null || reviewBy is null)
        {
            return null;
        }

        return new ImpactAssessmentDocument
        {
            SystemId = systemId,
            Purpose = purpose,
            ModelVersion = modelVersion,
            BasedOnEventId = eventId.Value,
            RuleSetVersion = version,
            RuleSetHash = hash,
            ReviewBy = reviewBy.Value,
            CoveredRuleIds = [.. f.Impacts.Select(i => i.RuleId!).Concat(f.OtherRuleIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };

        string? Required(Field field, string what, int limit = int.MaxValue)
        {
            if (string.IsNullOrWhiteSpace(field.Value))
            {
                if (!field.Reported)
                {
                    problems.Add($"{field.Where}: missing: {what}");
                }

                return null;
            }

            return Bounded(field, limit);
        }

        string? Bounded(Field field, int limit)
        {
            var value = field.Value!.Trim();
            return value.Length <= limit ? value : Refuse<string>(field, $"{value.Length} characters; at most {limit} are kept");
        }

        T? Refuse<T>(Field field, string problem)
        {
            problems.Add($"{field.Where}: {problem}");
            return default;
        }
    }

    private static Fields? ReadMarkdown(string text, ICollection<string> problems)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0 || !lines[first].TrimStart().StartsWith(ImpactAssessmentMarkdown.Title, StringComparison.Ordinal))
        {
            problems.Add($"line {first + 1}: not an impact assessment: it begins with '{ImpactAssessmentMarkdown.Title}' as the draft does");
            return null;
        }

        var f = new Fields(
            systemWhere: Row("system"), purposeWhere: Row("purpose"), modelVersionWhere: Row("model version"), basedOnWhere: Row("based on"),
            affectedWhere: $"section '## {ImpactAssessmentMarkdown.AffectedSection}'",
            benefitsWhere: $"part '### {ImpactAssessmentMarkdown.BenefitsPart}'",
            consultedWhere: $"part '### {ImpactAssessmentMarkdown.ConsultedPart}'",
            additionalWhere: $"part '### {ImpactAssessmentMarkdown.AdditionalPart}'",
            reviewWhere: $"'- review by:' in part '### {ImpactAssessmentMarkdown.ReviewPart}'");
        var sections = new HashSet<string>(StringComparer.Ordinal);
        var parts = new HashSet<string>(StringComparer.Ordinal);
        string? section = null;
        string? part = null;
        Fields.Impact? impact = null;
        var inDecision = false;
        var benefits = new StringBuilder();
        var additional = new StringBuilder();
        for (var i = first + 1; i < lines.Length; i++)
        {
            var where = $"line {i + 1}";
            var line = lines[i].Trim();
            if (line.Contains(ImpactAssessmentDraft.Placeholder, StringComparison.OrdinalIgnoreCase))
            {
                f.Placeholders.Add(part is null ? $"{where} (## {section})" : $"{where} (### {part})");
            }

            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                problems.Add($"{where}: a second title: an impact assessment is one document");
                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Trim();
                part = null;
                impact = null;
                inDecision = false;
                if (!sections.Add(section))
                {
                    problems.Add($"{where}: section '## {section}' appears twice");
                }

                continue;
            }

            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                part = line[4..].Trim();
                impact = null;
                inDecision = false;
                if (section is ImpactAssessmentMarkdown.IndividualSection or ImpactAssessmentMarkdown.SocietalSection)
                {
                    var rule = RuleIdPrefix().Match(part);
                    impact = new Fields.Impact(rule.Success ? rule.Groups["rule"].Value : part, $"{where} (### {part})");
                    f.Impacts.Add(impact);
                }
                else if (section == ImpactAssessmentMarkdown.OwnerSection && !parts.Add(part))
                {
                    problems.Add($"{where}: part '### {part}' appears twice");
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var bullet = line.StartsWith("- ", StringComparison.Ordinal) ? line[2..].Trim() : null;
            switch (section)
            {
                case ImpactAssessmentMarkdown.SystemSection when line.StartsWith('|'):
                    if (Cells(line) is [var key, var value] && key.Length > 0 && !key.StartsWith("---", StringComparison.Ordinal))
                    {
                        Table(f, key, value, where, problems);
                    }

                    break;
                case ImpactAssessmentMarkdown.AffectedSection when bullet is not null:
                    f.AffectedPersons.Add(bullet);
                    break;
                case ImpactAssessmentMarkdown.IndividualSection or ImpactAssessmentMarkdown.SocietalSection when impact is not null:
                    if (bullet is not null)
                    {
                        inDecision = bullet.StartsWith("decision:", StringComparison.Ordinal);
                        if (inDecision)
                        {
                            impact.Decision = bullet["decision:".Length..].Trim();
                        }
                    }
                    else if (inDecision)
                    {
                        impact.Decision += " " + line;
                    }

                    break;
                case ImpactAssessmentMarkdown.OtherRisksSection when bullet is not null:
                    if (RuleIdPrefix().Match(bullet) is { Success: true } other)
                    {
                        f.OtherRuleIds.Add(other.Groups["rule"].Value);
                    }
                    else
                    {
                        problems.Add($"{where}: an open risk is listed as '- RULE-ID: title', not '{bullet}'");
                    }

                    break;
                case ImpactAssessmentMarkdown.OwnerSection:
                    Owner(line, bullet, where);
                    break;
            }
        }

        foreach (var required in new[] { ImpactAssessmentMarkdown.SystemSection, ImpactAssessmentMarkdown.AffectedSection, ImpactAssessmentMarkdown.IndividualSection, ImpactAssessmentMarkdown.SocietalSection, ImpactAssessmentMarkdown.OwnerSection })
        {
            if (!sections.Contains(required))
            {
                problems.Add($"section '## {required}' is missing: keep the draft's sections");
            }
        }

        foreach (var required in new[] { ImpactAssessmentMarkdown.BenefitsPart, ImpactAssessmentMarkdown.ConsultedPart, ImpactAssessmentMarkdown.AdditionalPart, ImpactAssessmentMarkdown.ReviewPart })
        {
            if (sections.Contains(ImpactAssessmentMarkdown.OwnerSection) && !parts.Contains(required))
            {
                problems.Add($"part '### {required}' of '## {ImpactAssessmentMarkdown.OwnerSection}' is missing: keep the draft's parts");
            }
        }

        f.Benefits = f.Benefits with { Value = benefits.ToString() };
        f.AdditionalImpacts = f.AdditionalImpacts with { Value = additional.ToString() };
        return f;

        void Owner(string line, string? bullet, string where)
        {
            switch (part)
            {
                case ImpactAssessmentMarkdown.BenefitsPart:
                    benefits.Append(benefits.Length == 0 ? "" : " ").Append(line);
                    break;
                case ImpactAssessmentMarkdown.AdditionalPart:
                    additional.Append(additional.Length == 0 ? "" : " ").Append(line);
                    break;
                case ImpactAssessmentMarkdown.ConsultedPart:
                    f.Consulted.Add(bullet ?? line);
                    break;
                case ImpactAssessmentMarkdown.ReviewPart when bullet is not null && bullet.StartsWith("review by:", StringComparison.Ordinal):
                    f.ReviewBy = new Field(bullet["review by:".Length..].Trim(), $"{where} (review by)");
                    break;
            }
        }

        static string Row(string key) => $"row '| {key} |' of '## {ImpactAssessmentMarkdown.SystemSection}'";
    }

    private static void Table(Fields f, string key, string value, string where, ICollection<string> problems)
    {
        switch (key)
        {
            case "system":
                var name = value.IndexOf(" (", StringComparison.Ordinal);
                f.SystemId = new Field(name < 0 ? value : value[..name], $"{where} (system)");
                break;
            case "purpose":
                f.Purpose = new Field(value, $"{where} (purpose)");
                break;
            case "model version":
                f.ModelVersion = new Field(value, $"{where} (model version)");
                break;
            case "based on":
                if (BasedOn().Match(value) is { Success: true } basedOn)
                {
                    f.EventId = new Field(basedOn.Groups["event"].Value, $"{where} (based on)");
                    f.RuleSetVersion = new Field(basedOn.Groups["version"].Value, $"{where} (based on)");
                    f.RuleSetHash = new Field(basedOn.Groups["hash"].Value, $"{where} (based on)");
                }
                else
                {
                    problems.Add($"{where} (based on): expected 'event <id> (<change type>, <time> UTC), rule set <version> (<sha256>)' as the draft wrote it");
                    f.EventId = new Field(null, $"{where} (based on)", Reported: true);
                    f.RuleSetVersion = f.EventId;
                    f.RuleSetHash = f.EventId;
                }

                break;
        }
    }

    /// <summary>The cells of a table row: between the outer pipes, split at each pipe not escaped as <c>\|</c>.</summary>
    private static List<string> Cells(string row)
    {
        var inner = row.Trim();
        inner = inner[1..];
        if (inner.EndsWith('|') && !inner.EndsWith("\\|", StringComparison.Ordinal))
        {
            inner = inner[..^1];
        }

        var cells = new List<string>();
        var cell = new StringBuilder();
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length && inner[i + 1] == '|')
            {
                cell.Append('|');
                i++;
            }
            else if (inner[i] == '|')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(inner[i]);
            }
        }

        cells.Add(cell.ToString().Trim());
        return cells;
    }

    private static Fields? ReadJson(string text, ICollection<string> problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException ex)
        {
            problems.Add($"not valid JSON: {ex.Message}");
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"not an impact assessment: the JSON is {document.RootElement.ValueKind}, not an object");
                return null;
            }

            var f = new Fields(
                systemWhere: "systemId", purposeWhere: "purpose", modelVersionWhere: "modelVersion", basedOnWhere: "eventId",
                affectedWhere: "affectedPersons", benefitsWhere: "benefits", consultedWhere: "consulted", additionalWhere: "additionalImpacts", reviewWhere: "reviewBy")
            {
                RuleSetVersion = new Field(null, "ruleSetVersion"),
                RuleSetHash = new Field(null, "ruleSetHash"),
            };
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var name = property.Name;
                var value = property.Value;
                switch (name)
                {
                    case "systemId": f.SystemId = new Field(String(value, name), name); break;
                    case "purpose": f.Purpose = new Field(String(value, name), name); break;
                    case "modelVersion": f.ModelVersion = new Field(String(value, name), name); break;
                    case "eventId": f.EventId = new Field(String(value, name), name); break;
                    case "ruleSetVersion": f.RuleSetVersion = new Field(String(value, name), name); break;
                    case "ruleSetHash": f.RuleSetHash = new Field(String(value, name), name); break;
                    case "reviewBy": f.ReviewBy = new Field(String(value, name), name); break;
                    case "benefits": f.Benefits = new Field(String(value, name), name); break;
                    case "additionalImpacts": f.AdditionalImpacts = new Field(String(value, name), name); break;
                    case "affectedPersons": f.AffectedPersons.AddRange(Strings(value, name)); break;
                    case "consulted": f.Consulted.AddRange(Strings(value, name)); break;
                    case "existingControls" or "toComplete": _ = Strings(value, name); break;
                    case "otherOpenRisks":
                        foreach (var (risk, index) in Strings(value, name).Select((r, i) => (r, i)))
                        {
                            if (RuleIdPrefix().Match(risk) is { Success: true } other)
                            {
                                f.OtherRuleIds.Add(other.Groups["rule"].Value);
                            }
                            else
                            {
                                problems.Add($"{name}[{index}]: an open risk is listed as 'RULE-ID: title', not '{risk}'");
                            }
                        }

                        break;
                    case "individualImpacts" or "societalImpacts": Impacts(value, name); break;
                    default:
                        if (InformationalStrings.Contains(name))
                        {
                            _ = String(value, name);
                        }
                        else
                        {
                            problems.Add($"{name}: not a field of an impact assessment (the fields are the draft's)");
                        }

                        break;
                }
            }

            Placeholders(document.RootElement, "", f.Placeholders);
            return f;

            void Impacts(JsonElement value, string name)
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{name}: a list of impacts, not {value.ValueKind}");
                    return;
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var path = $"{name}[{index++}]";
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add($"{path}: an impact is an object, not {item.ValueKind}");
                        continue;
                    }

                    var ruleId = item.TryGetProperty("ruleId", out var rule) ? String(rule, $"{path}.ruleId") : null;
                    var impact = new Fields.Impact(ruleId, ruleId is null ? path : $"{path} ({ruleId})");
                    f.Impacts.Add(impact);
                    foreach (var field in item.EnumerateObject())
                    {
                        var at = $"{path}.{field.Name}";
                        switch (field.Name)
                        {
                            case "ruleId":
                                break;
                            case "decision":
                                impact.Decision = String(field.Value, at);
                                break;
                            case "likelihood" or "impact":
                                if (field.Value.ValueKind != JsonValueKind.Number)
                                {
                                    problems.Add($"{at}: a number, not {field.Value.ValueKind}");
                                }

                                break;
                            case "aggravating" or "controls":
                                _ = Strings(field.Value, at);
                                break;
                            default:
                                if (ImpactStrings.Contains(field.Name))
                                {
                                    _ = String(field.Value, at);
                                }
                                else
                                {
                                    problems.Add($"{at}: not a field of an impact (the fields are the draft's)");
                                }

                                break;
                        }
                    }
                }
            }
        }

        string? String(JsonElement value, string path)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Null:
                    return null;
                default:
                    problems.Add($"{path}: a string, not {value.ValueKind}");
                    return null;
            }
        }

        List<string> Strings(JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{path}: a list of strings, not {value.ValueKind}");
                return [];
            }

            var items = new List<string>();
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (String(item, $"{path}[{index++}]") is { } text)
                {
                    items.Add(text);
                }
            }

            return items;
        }
    }

    /// <summary>Every string of the JSON that still holds a part to complete, by its path.</summary>
    private static void Placeholders(JsonElement element, string path, List<string> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Placeholders(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", found);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Placeholders(item, $"{path}[{index++}]", found);
                }

                break;
            case JsonValueKind.String when element.GetString()!.Contains(ImpactAssessmentDraft.Placeholder, StringComparison.OrdinalIgnoreCase):
                found.Add(path);
                break;
        }
    }

    /// <summary>A value read from the file and where it is (or would be).</summary>
    /// <param name="Reported">A problem with it was reported already (a malformed row): say nothing more.</param>
    private sealed record Field(string? Value, string Where, bool Reported = false);

    /// <summary>What a reader found, before the checks both formats share.</summary>
    private sealed class Fields(
        string systemWhere, string purposeWhere, string modelVersionWhere, string basedOnWhere, string affectedWhere,
        string benefitsWhere, string consultedWhere, string additionalWhere, string reviewWhere)
    {
        public Field SystemId { get; set; } = new(null, systemWhere);

        public Field Purpose { get; set; } = new(null, purposeWhere);

        public Field ModelVersion { get; set; } = new(null, modelVersionWhere);

        public Field EventId { get; set; } = new(null, basedOnWhere);

        public Field RuleSetVersion { get; set; } = new(null, basedOnWhere);

        public Field RuleSetHash { get; set; } = new(null, basedOnWhere);

        public Field ReviewBy { get; set; } = new(null, reviewWhere);

        public Field Benefits { get; set; } = new(null, benefitsWhere);

        public Field AdditionalImpacts { get; set; } = new(null, additionalWhere);

        public string AffectedPersonsWhere { get; } = affectedWhere;

        public string ConsultedWhere { get; } = consultedWhere;

        public List<string> AffectedPersons { get; } = [];

        public List<string> Consulted { get; } = [];

        public List<Impact> Impacts { get; } = [];

        public List<string> OtherRuleIds { get; } = [];

        public List<string> Placeholders { get; } = [];

        public sealed class Impact(string? ruleId, string where)
        {
            public string? RuleId { get; } = ruleId;

            public string Where { get; } = where;

            public string? Decision { get; set; }
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aims.Risk.Contracts;
using Aims.Risk.Core.IO;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Loading is validation: a rule set loads only when every file matches its schema, every expression
/// compiles against the contract and passes the guard, ids are unique, scores are in range, every
/// control id exists, the manifest is valid and the grid is complete. All errors are reported at once.
/// </summary>
public static partial class RuleSetLoader
{
    public const string ManifestFile = "manifest.json";

    /// <summary>The categories of the rule format (docs/rules.md); each workflow is one of them.</summary>
    public static readonly IReadOnlyList<string> Categories = ["ethics", "security", "privacy", "robustness"];

    private const int MaxFileBytes = BoundedFile.MaxBytes;

    private const string SchemaPrefix = "schema: ";

    private static readonly string[] AllowedRuleKeys =
        ["RuleName", "Expression", "Enabled", "Properties", "SuccessEvent", "ErrorMessage", "RuleExpressionType"];

    private static readonly string[] AllowedPropertyKeys =
        ["title", "category", "likelihood", "impact", "treatment", "controls", "nist", "mitDomain", "rationale", "scope", "guidance", "modifiers"];

    private static readonly string[] AllowedModifierKeys = ["when", "likelihood", "impact", "reason"];

    /// <summary>More would make a rule's score hard to follow; the grid has only four steps above the base anyway.</summary>
    private const int MaxModifiers = 8;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    [GeneratedRegex(@"^[A-Z]{2,5}-[0-9]{3}$")]
    private static partial Regex RuleIdPattern();

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersionPattern();

    /// <summary>Loads and validates the rule set in <paramref name="directory"/>.</summary>
    /// <exception cref="RuleSetValidationException">Anything is wrong; <see cref="RuleSetValidationException.Errors"/> lists it all.</exception>
    /// <param name="directory">The rule set folder.</param>
    /// <param name="maxRules">The most enabled rules accepted (<see cref="RulesOptions.MaxRules"/>).</param>
    public static RuleSet Load(string directory, int maxRules = RulesOptions.DefaultMaxRules)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var root = Path.GetFullPath(directory);
        var errors = new List<RuleSetError>();
        var files = new List<(string Name, string Text)>();

        if (!System.IO.Directory.Exists(root))
        {
            throw new RuleSetValidationException(directory, [new RuleSetError(directory, null, "the rule set folder does not exist")]);
        }

        var manifest = ReadManifest(root, errors, files);
        RiskCriteria? criteria = null;
        var rules = new List<CompiledRule>();
        if (manifest is not null)
        {
            criteria = ReadCriteria(root, manifest.Criteria, errors, files);
            var compiler = new RuleExpressionCompiler();
            var seenIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var seenCategories = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var workflowFile in manifest.Workflows)
            {
                ReadWorkflow(root, workflowFile, criteria, compiler, seenIds, seenCategories, errors, files, rules);
            }

            if (rules.Count == 0 && errors.Count == 0)
            {
                errors.Add(new RuleSetError(ManifestFile, null, "the rule set has no enabled rules"));
            }
            else if (rules.Count > maxRules)
            {
                errors.Add(new RuleSetError(ManifestFile, null, $"the rule set has {rules.Count} enabled rules; the limit is {maxRules} ({RulesOptions.SectionName}:{nameof(RulesOptions.MaxRules)})"));
            }
        }

        if (errors.Count > 0 || manifest is null || criteria is null)
        {
            throw new RuleSetValidationException(directory, WithoutRepeatedSchemaErrors(errors));
        }

        var (hash, content) = Fingerprint(files);
        return new RuleSet(root, manifest, criteria, rules, hash, content);
    }

    /// <summary>
    /// The schema and the loader's own checks often see the same mistake; the loader's message is the more
    /// precise, so schema errors are kept only for a file in which the loader found nothing wrong.
    /// </summary>
    private static List<RuleSetError> WithoutRepeatedSchemaErrors(List<RuleSetError> errors) =>
        [.. errors.Where(e => !IsSchemaError(e) || !errors.Any(o => !IsSchemaError(o) && o.File == e.File))];

    private static bool IsSchemaError(RuleSetError error) => error.Message.StartsWith(SchemaPrefix, StringComparison.Ordinal);

    private static RuleSetManifest? ReadManifest(string root, List<RuleSetError> errors, List<(string, string)> files)
    {
        if (ReadJson(root, ManifestFile, "manifest", errors, files) is not { } json)
        {
            return null;
        }

        var before = errors.Count;
        var name = RequireString(json, "name", ManifestFile, null, errors);
        var version = RequireString(json, "version", ManifestFile, null, errors, ColumnLimits.RuleSetVersion);
        if (version is not null && !SemanticVersionPattern().IsMatch(version))
        {
            errors.Add(new RuleSetError(ManifestFile, null, $"version '{version}' is not a semantic version (MAJOR.MINOR.PATCH)"));
        }

        var criteriaFile = RequireString(json, "criteria", ManifestFile, null, errors);
        var workflows = new List<string>();
        if (json.TryGetProperty("workflows", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                {
                    errors.Add(new RuleSetError(ManifestFile, null, "workflows: every entry must be a file name"));
                }
                else if (workflows.Contains(item.GetString()!, StringComparer.Ordinal))
                {
                    errors.Add(new RuleSetError(ManifestFile, null, $"workflows: '{item.GetString()}' is listed twice"));
                }
                else
                {
                    workflows.Add(item.GetString()!);
                }
            }
        }
        else
        {
            errors.Add(new RuleSetError(ManifestFile, null, "workflows: a non-empty list of workflow file names is required"));
        }

        foreach (var file in workflows.Append(criteriaFile ?? ""))
        {
            if (file.Length > 0 && !IsInside(root, file))
            {
                errors.Add(new RuleSetError(ManifestFile, null, $"'{file}' must be a file inside the rule set folder"));
            }
        }

        var changelog = RuleSetChangelog.Read(json, ManifestFile, v => SemanticVersionPattern().IsMatch(v), errors);
        RejectUnknownKeys(json, ["$schema", "name", "version", "description", "workflows", "criteria", RuleSetChangelog.Key], ManifestFile, null, "manifest", errors);

        // A bad version or name is reported, but the files are still read so that every error shows at once.
        if (criteriaFile is null || workflows.Count == 0 || errors.Skip(before).Any(e => e.Message.Contains("inside the rule set folder", StringComparison.Ordinal)))
        {
            return null;
        }

        return new RuleSetManifest
        {
            Name = name ?? "",
            Version = version ?? "",
            Description = json.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
            Workflows = workflows,
            Criteria = criteriaFile!,
            Changelog = changelog,
        };
    }

    private static RiskCriteria? ReadCriteria(string root, string file, List<RuleSetError> errors, List<(string, string)> files)
    {
        if (ReadJson(root, file, "criteria", errors, files) is not { } json)
        {
            return null;
        }

        var before = errors.Count;
        var grid = new RiskLevel[RiskCriteria.Scale, RiskCriteria.Scale];
        if (json.TryGetProperty("grid", out var rows) && rows.ValueKind == JsonValueKind.Array && rows.GetArrayLength() == RiskCriteria.Scale)
        {
            var l = 0;
            foreach (var row in rows.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != RiskCriteria.Scale)
                {
                    errors.Add(new RuleSetError(file, null, $"grid: row {l + 1} (likelihood {l + 1}) must list {RiskCriteria.Scale} levels, one per impact 1-{RiskCriteria.Scale}"));
                }
                else
                {
                    var i = 0;
                    foreach (var cell in row.EnumerateArray())
                    {
                        if (ParseEnum<RiskLevel>(cell) is { } level)
                        {
                            grid[l, i] = level;
                        }
                        else
                        {
                            errors.Add(new RuleSetError(file, null, $"grid: likelihood {l + 1}, impact {i + 1}: '{cell}' is not a level ({string.Join(", ", Enum.GetNames<RiskLevel>())})"));
                        }

                        i++;
                    }
                }

                l++;
            }
        }
        else
        {
            errors.Add(new RuleSetError(file, null, $"grid: {RiskCriteria.Scale} rows (likelihood 1-{RiskCriteria.Scale}) of {RiskCriteria.Scale} levels (impact 1-{RiskCriteria.Scale}) are required"));
        }

        if (errors.Count == before)
        {
            // Levels must not fall as likelihood or impact grows: a lower cell is almost always a typo.
            for (var l = 0; l < RiskCriteria.Scale; l++)
            {
                for (var i = 0; i < RiskCriteria.Scale; i++)
                {
                    if (i > 0 && grid[l, i] < grid[l, i - 1])
                    {
                        errors.Add(new RuleSetError(file, null, $"grid: likelihood {l + 1}, impact {i + 1} is {grid[l, i]}, lower than {grid[l, i - 1]} at impact {i}: levels must not fall as impact grows"));
                    }

                    if (l > 0 && grid[l, i] < grid[l - 1, i])
                    {
                        errors.Add(new RuleSetError(file, null, $"grid: likelihood {l + 1}, impact {i + 1} is {grid[l, i]}, lower than {grid[l - 1, i]} at likelihood {l}: levels must not fall as likelihood grows"));
                    }
                }
            }
        }

        RiskLevel threshold = default;
        if (!json.TryGetProperty("acceptanceThreshold", out var t) || ParseEnum<RiskLevel>(t) is not { } parsedThreshold)
        {
            errors.Add(new RuleSetError(file, null, $"acceptanceThreshold: a level is required ({string.Join(", ", Enum.GetNames<RiskLevel>())})"));
        }
        else
        {
            threshold = parsedThreshold;
        }

        var dueDays = new Dictionary<RiskLevel, int>();
        if (json.TryGetProperty("dueDays", out var due) && due.ValueKind == JsonValueKind.Object)
        {
            foreach (var level in Enum.GetValues<RiskLevel>())
            {
                if (due.TryGetProperty(level.ToString(), out var days) && days.ValueKind == JsonValueKind.Number && days.TryGetInt32(out var n) && n is > 0 and <= 3650)
                {
                    dueDays[level] = n;
                }
                else
                {
                    errors.Add(new RuleSetError(file, null, $"dueDays.{level}: a whole number of days from 1 to 3650 is required"));
                }
            }

            RejectUnknownKeys(due, Enum.GetNames<RiskLevel>(), file, null, "dueDays", errors);
        }
        else
        {
            errors.Add(new RuleSetError(file, null, "dueDays: an object with the days allowed per level is required"));
        }

        var maxAcceptanceDays = RiskCriteria.DefaultMaxAcceptanceDays;
        if (json.TryGetProperty("maxAcceptanceDays", out var max))
        {
            if (max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out var days) && days is >= 1 and <= 3650)
            {
                maxAcceptanceDays = days;
            }
            else
            {
                errors.Add(new RuleSetError(file, null, "maxAcceptanceDays: a whole number of days from 1 to 3650 is required"));
            }
        }

        RejectUnknownKeys(json, ["$schema", "grid", "acceptanceThreshold", "maxAcceptanceDays", "dueDays"], file, null, "criteria", errors);
        return errors.Count > before ? null : new RiskCriteria(grid, threshold, dueDays, maxAcceptanceDays);
    }

    private static void ReadWorkflow(
        string root,
        string file,
        RiskCriteria? criteria,
        RuleExpressionCompiler compiler,
        Dictionary<string, string> seenIds,
        Dictionary<string, string> seenCategories,
        List<RuleSetError> errors,
        List<(string, string)> files,
        List<CompiledRule> rules)
    {
        if (ReadJson(root, file, "workflow", errors, files) is not { } json)
        {
            return;
        }

        var category = RequireString(json, "WorkflowName", file, null, errors);
        if (category is not null)
        {
            if (!Categories.Contains(category, StringComparer.Ordinal))
            {
                errors.Add(new RuleSetError(file, null, $"WorkflowName '{category}' is not a category ({string.Join(", ", Categories)})"));
            }
            else if (seenCategories.TryGetValue(category, out var other))
            {
                errors.Add(new RuleSetError(file, null, $"WorkflowName '{category}' is also the workflow of {other}: one workflow per category"));
            }
            else
            {
                seenCategories[category] = file;
            }
        }

        foreach (var unsupported in new[] { "GlobalParams", "WorkflowsToInject" })
        {
            if (json.TryGetProperty(unsupported, out _))
            {
                errors.Add(new RuleSetError(file, null, $"{unsupported} is not supported: rules are self-contained predicates"));
            }
        }

        RejectUnknownKeys(json, ["$schema", "WorkflowName", "Rules", "GlobalParams", "WorkflowsToInject", "RuleExpressionType"], file, null, "workflow", errors);
        if (!json.TryGetProperty("Rules", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            errors.Add(new RuleSetError(file, null, "Rules: a non-empty list of rules is required"));
            return;
        }

        var index = 0;
        foreach (var rule in list.EnumerateArray())
        {
            index++;
            if (ReadRule(rule, index, file, category, criteria, compiler, seenIds, errors) is { } compiled)
            {
                rules.Add(compiled);
            }
        }
    }

    private static CompiledRule? ReadRule(
        JsonElement rule,
        int index,
        string file,
        string? category,
        RiskCriteria? criteria,
        RuleExpressionCompiler compiler,
        Dictionary<string, string> seenIds,
        List<RuleSetError> errors)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError(file, $"rule #{index}", "a rule must be an object"));
            return null;
        }

        var before = errors.Count;
        var id = rule.TryGetProperty("RuleName", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
        var who = id ?? $"rule #{index}";
        if (id is null)
        {
            errors.Add(new RuleSetError(file, who, "RuleName: the rule id is required"));
        }
        else if (!RuleIdPattern().IsMatch(id))
        {
            errors.Add(new RuleSetError(file, who, "RuleName must look like PRIV-001 (2-5 capital letters, a hyphen, 3 digits)"));
        }
        else if (seenIds.TryGetValue(id, out var otherFile))
        {
            errors.Add(new RuleSetError(file, who, $"RuleName is not unique: {otherFile} has a rule with the same id"));
        }
        else
        {
            seenIds[id] = file;
        }

        foreach (var unsupported in new[] { "Rules", "Operator", "Actions", "LocalParams", "WorkflowsToInject" })
        {
            if (rule.TryGetProperty(unsupported, out _))
            {
                errors.Add(new RuleSetError(file, who, unsupported switch
                {
                    "Actions" => "Actions are not supported: scoring comes from Properties (OutputExpression actions make evaluation ten times slower)",
                    "LocalParams" => "LocalParams are not supported: write the expression out",
                    _ => $"{unsupported} is not supported: nested rules and injected workflows are not part of the rule format",
                }));
            }
        }

        RejectUnknownKeys(rule, [.. AllowedRuleKeys, "Rules", "Operator", "Actions", "LocalParams", "WorkflowsToInject"], file, who, "rule", errors);
        if (rule.TryGetProperty("RuleExpressionType", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "LambdaExpression"))
        {
            errors.Add(new RuleSetError(file, who, "RuleExpressionType: only LambdaExpression is supported"));
        }

        var enabled = !rule.TryGetProperty("Enabled", out var e) || e.ValueKind != JsonValueKind.False;
        if (rule.TryGetProperty("Enabled", out e) && e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(new RuleSetError(file, who, "Enabled must be true or false"));
        }

        var expression = RequireString(rule, "Expression", file, who, errors);
        if (!rule.TryGetProperty("Properties", out var props) || props.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError(file, who, "Properties: an object with the rule's scoring metadata is required"));
            return null;
        }

        var title = RequireString(props, "title", file, who, errors, ColumnLimits.Title);
        var ruleCategory = RequireString(props, "category", file, who, errors);
        if (ruleCategory is not null && category is not null && ruleCategory != category)
        {
            errors.Add(new RuleSetError(file, who, $"category '{ruleCategory}' differs from the workflow's '{category}'"));
        }

        var likelihood = RequireScale(props, "likelihood", file, who, errors);
        var impact = RequireScale(props, "impact", file, who, errors);
        Treatment? treatment = null;
        if (!props.TryGetProperty("treatment", out var t) || ParseEnum<Treatment>(t) is not { } parsedTreatment)
        {
            errors.Add(new RuleSetError(file, who, $"treatment: one of {string.Join(", ", Enum.GetNames<Treatment>())} is required"));
        }
        else
        {
            treatment = parsedTreatment;
        }

        var controls = ReadIdList(props, "controls", required: true, ReferenceData.AnnexAControls, "an ISO/IEC 42001 Annex A control id (A.2.2 … A.10.4)", file, who, errors);
        var nist = ReadIdList(props, "nist", required: false, ReferenceData.NistAiRmf, "a NIST AI RMF id (e.g. MEASURE 2.11)", file, who, errors);
        string? mit = null;
        if (props.TryGetProperty("mitDomain", out var m))
        {
            mit = m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (mit is null || !ReferenceData.MitAiRiskDomains.Contains(mit))
            {
                errors.Add(new RuleSetError(file, who, $"mitDomain '{m}' is not an MIT AI Risk Repository domain id (e.g. 2.1)"));
            }
        }

        var rationaleText = RequireString(props, "rationale", file, who, errors);
        RuleScope? scope = props.TryGetProperty("scope", out var sc) && sc.ValueKind == JsonValueKind.String
            ? sc.GetString() switch { "system" => RuleScope.System, "change" => RuleScope.Change, _ => null }
            : null;
        if (scope is null)
        {
            errors.Add(new RuleSetError(file, who, "scope: 'system' (a property of the system as it stands) or 'change' (about the change itself) is required"));
        }

        var guidance = props.TryGetProperty("guidance", out var g) && g.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(g.GetString())
            ? g.GetString()
            : null;
        if (guidance is null)
        {
            errors.Add(new RuleSetError(file, who, "guidance: a non-empty string is required (what the owner should do, what evidence closes the risk)"));
        }

        RejectUnknownKeys(props, AllowedPropertyKeys, file, who, "Properties", errors);

        Func<AiSystemChanged, bool>? predicate = null;
        RuleEvidence? evidence = null;
        if (expression is not null)
        {
            try
            {
                predicate = compiler.CompilePredicate(expression, out evidence);
                if (scope == RuleScope.System && evidence.ReadsChangeType)
                {
                    errors.Add(new RuleSetError(file, who, "scope 'system' describes the system as it stands, so the expression may not read change.ChangeType; use scope 'change' or drop the condition on the change type"));
                }
            }
            catch (RuleExpressionException ex)
            {
                errors.Add(new RuleSetError(file, who, $"Expression {ex.Message}"));
            }
        }

        var modifiers = ReadModifiers(props, scope, compiler, file, who, errors);

        RationaleTemplate? rationale = null;
        if (rationaleText is not null)
        {
            try
            {
                rationale = RationaleTemplate.Compile(rationaleText, compiler);
            }
            catch (RuleExpressionException ex)
            {
                errors.Add(new RuleSetError(file, who, ex.Message));
            }
        }

        if (errors.Count > before || !enabled || criteria is null)
        {
            return null;
        }

        var definition = new RuleDefinition
        {
            Id = id!,
            Category = ruleCategory!,
            Title = title!,
            Expression = expression!,
            Likelihood = likelihood!.Value,
            Impact = impact!.Value,
            Treatment = treatment!.Value,
            Controls = controls,
            Nist = nist,
            MitDomain = mit,
            Rationale = rationaleText!,
            Scope = scope!.Value,
            Guidance = guidance!,
            Modifiers = [.. modifiers.Select(m => m.Definition)],
            File = file,
        };
        return new CompiledRule(definition, predicate!, evidence!, rationale!, modifiers, criteria);
    }

    /// <summary>
    /// <c>modifiers</c>: each a condition (compiled and guarded like the rule's expression), the steps it adds to
    /// the likelihood and the impact, and the reason. A system-scoped rule's modifiers may not read the change
    /// type either: the level of a risk about the system must not depend on which change reported it.
    /// </summary>
    private static List<CompiledModifier> ReadModifiers(JsonElement props, RuleScope? scope, RuleExpressionCompiler compiler, string file, string who, List<RuleSetError> errors)
    {
        var modifiers = new List<CompiledModifier>();
        if (!props.TryGetProperty("modifiers", out var list))
        {
            return modifiers;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > MaxModifiers)
        {
            errors.Add(new RuleSetError(file, who, $"modifiers: a list of at most {MaxModifiers} modifiers is required"));
            return modifiers;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            index++;
            var where = $"modifiers[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new RuleSetError(file, who, $"{where}: an object with when, likelihood and/or impact, and reason is required"));
                continue;
            }

            var before = errors.Count;
            var when = ModifierText(item, "when", where, file, who, errors);
            var reason = ModifierText(item, "reason", where, file, who, errors);
            var likelihood = ReadStep(item, "likelihood", where, file, who, errors);
            var impact = ReadStep(item, "impact", where, file, who, errors);
            if (likelihood == 0 && impact == 0)
            {
                errors.Add(new RuleSetError(file, who, $"{where}: raises neither likelihood nor impact (give one of them 1-{RiskCriteria.Scale - 1})"));
            }

            RejectUnknownKeys(item, AllowedModifierKeys, file, who, where, errors);
            Func<AiSystemChanged, bool>? condition = null;
            if (when is not null)
            {
                try
                {
                    condition = compiler.CompilePredicate(when, out var evidence);
                    if (scope == RuleScope.System && evidence.ReadsChangeType)
                    {
                        errors.Add(new RuleSetError(file, who, $"{where}: a system-scoped rule's level may not depend on the change type; the condition reads change.ChangeType"));
                    }
                }
                catch (RuleExpressionException ex)
                {
                    errors.Add(new RuleSetError(file, who, $"{where}.when {ex.Message}"));
                }
            }

            if (errors.Count == before)
            {
                modifiers.Add(new CompiledModifier(new RuleModifier { When = when!, Likelihood = likelihood, Impact = impact, Reason = reason! }, condition!));
            }
        }

        return modifiers;
    }

    private static string? ModifierText(JsonElement json, string key, string where, string file, string rule, List<RuleSetError> errors)
    {
        if (json.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
        {
            return value.GetString();
        }

        errors.Add(new RuleSetError(file, rule, $"{where}.{key}: a non-empty string is required"));
        return null;
    }

    private static int ReadStep(JsonElement json, string key, string where, string file, string rule, List<RuleSetError> errors)
    {
        if (!json.TryGetProperty(key, out var value))
        {
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 0 and < RiskCriteria.Scale)
        {
            return n;
        }

        errors.Add(new RuleSetError(file, rule, $"{where}.{key}: a whole number of steps from 0 to {RiskCriteria.Scale - 1} is required (found {value.GetRawText()})"));
        return 0;
    }

    private static JsonElement? ReadJson(string root, string file, string what, List<RuleSetError> errors, List<(string, string)> files)
    {
        var path = Path.Combine(root, file);
        if (BoundedFile.TryRead(path, out var problem, MaxFileBytes) is not { } text)
        {
            errors.Add(new RuleSetError(file, null, problem == "does not exist" ? $"the {what} file does not exist" : $"the {what} file {problem}"));
            return null;
        }

        files.Add((file, text));
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(text, DocumentOptions);
            json = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            errors.Add(new RuleSetError(file, null, $"is not valid JSON: {ex.Message}"));
            return null;
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError(file, null, $"the {what} must be a JSON object"));
            return null;
        }

        errors.AddRange(RuleFileSchemas.Validate(what, json).Select(problem => new RuleSetError(file, RuleIdAt(json, problem.Location), SchemaPrefix + problem.Message)));
        return json;
    }

    /// <summary>Names the rule a schema error points into (<c>/Rules/3/...</c>), so the message says which rule.</summary>
    private static string? RuleIdAt(JsonElement json, string location)
    {
        var parts = location.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 2 && parts[0] == "Rules" && int.TryParse(parts[1], out var i)
            && json.TryGetProperty("Rules", out var rules) && rules.ValueKind == JsonValueKind.Array && i < rules.GetArrayLength())
        {
            var rule = rules[i];
            return rule.ValueKind == JsonValueKind.Object && rule.TryGetProperty("RuleName", out var n) && n.ValueKind == JsonValueKind.String
                ? n.GetString()
                : $"rule #{i + 1}";
        }

        return null;
    }

    /// <summary><paramref name="maxLength"/>: the width of the register's column the value is stored in, if any.</summary>
    private static string? RequireString(JsonElement json, string key, string file, string? rule, List<RuleSetError> errors, int maxLength = int.MaxValue)
    {
        if (json.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
        {
            var text = value.GetString()!;
            if (text.Length > maxLength)
            {
                errors.Add(new RuleSetError(file, rule, $"{key}: {text.Length} characters; the limit is {maxLength}"));
                return null;
            }

            return text;
        }

        errors.Add(new RuleSetError(file, rule, $"{key}: a non-empty string is required"));
        return null;
    }

    private static int? RequireScale(JsonElement json, string key, string file, string rule, List<RuleSetError> errors)
    {
        if (json.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 1 and <= RiskCriteria.Scale)
        {
            return n;
        }

        var found = json.TryGetProperty(key, out value) ? $" (found {value.GetRawText()})" : "";
        errors.Add(new RuleSetError(file, rule, $"{key}: a whole number from 1 to {RiskCriteria.Scale} is required{found}"));
        return null;
    }

    private static List<string> ReadIdList(JsonElement json, string key, bool required, System.Collections.Frozen.FrozenSet<string> known, string what, string file, string rule, List<RuleSetError> errors)
    {
        var ids = new List<string>();
        if (!json.TryGetProperty(key, out var list))
        {
            if (required)
            {
                errors.Add(new RuleSetError(file, rule, $"{key}: a non-empty list of ids is required"));
            }

            return ids;
        }

        if (list.ValueKind != JsonValueKind.Array || (required && list.GetArrayLength() == 0))
        {
            errors.Add(new RuleSetError(file, rule, $"{key}: a {(required ? "non-empty " : "")}list of ids is required"));
            return ids;
        }

        foreach (var item in list.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (id is null || !known.Contains(id))
            {
                errors.Add(new RuleSetError(file, rule, $"{key}: '{(id ?? item.GetRawText())}' is not {what}"));
            }
            else if (ids.Contains(id))
            {
                errors.Add(new RuleSetError(file, rule, $"{key}: '{id}' is listed twice"));
            }
            else
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static void RejectUnknownKeys(JsonElement json, string[] allowed, string file, string? rule, string where, List<RuleSetError> errors)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new RuleSetError(file, rule, $"{where}: unknown key '{property.Name}' (allowed: {string.Join(", ", allowed.Where(a => a != "$schema"))})"));
            }
        }
    }

    private static T? ParseEnum<T>(JsonElement value)
        where T : struct, Enum =>
        value.ValueKind == JsonValueKind.String && Enum.TryParse<T>(value.GetString(), ignoreCase: false, out var parsed)
            && Enum.IsDefined(parsed) && !int.TryParse(value.GetString(), out _)
            ? parsed
            : null;

    internal static bool IsInside(string root, string file)
    {
        if (Path.IsPathRooted(file))
        {
            return false;
        }

        var full = Path.GetFullPath(Path.Combine(root, file));
        return full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static (string Hash, string Content) Fingerprint(List<(string Name, string Text)> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var content = new JsonObject();
        foreach (var (name, text) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}\n{bytes.Length}\n"));
            sha.AppendData(bytes);
            content[name] = text;
        }

        return (Convert.ToHexStringLower(sha.GetHashAndReset()), content.ToJsonString());
    }
}

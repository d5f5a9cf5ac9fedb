using System.Text.Json;
using Aims.Risk.Contracts;
using System.Text.RegularExpressions;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The workflow files and their rules: one workflow per category, rule ids unique across the set, only the keys of the
/// rule format, scores on the grid's scale, known control and framework ids, a scope, guidance, and modifiers. Each
/// rule's expression, modifier conditions and rationale are compiled through <see cref="RuleCompilation"/>; a rule
/// with any error, or disabled, is not added.
/// </summary>
internal sealed partial class WorkflowReader(RuleSetFolder folder, RiskCriteria? criteria, RuleCompilation compile, List<RuleSetError> errors)
{
    private static readonly string[] AllowedRuleKeys =
        ["RuleName", "Expression", "Enabled", "Properties", "SuccessEvent", "ErrorMessage", "RuleExpressionType"];

    private static readonly string[] AllowedPropertyKeys =
        ["title", "category", "likelihood", "impact", "treatment", "controls", "nist", "mitDomain", "rationale", "scope", "guidance", "modifiers"];

    private static readonly string[] AllowedModifierKeys = ["when", "likelihood", "impact", "reason"];

    /// <summary>More would make a rule's score hard to follow; the grid has only four steps above the base anyway.</summary>
    private const int MaxModifiers = 8;

    private readonly Dictionary<string, string> _seenIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _seenCategories = new(StringComparer.Ordinal);

    /// <summary>The valid enabled rules read so far, in the order of the workflows and of their rules.</summary>
    public List<CompiledRule> CompiledRules { get; } = [];

    [GeneratedRegex(@"^[A-Z]{2,5}-[0-9]{3}$")]
    private static partial Regex RuleIdPattern();

    /// <summary>Reads the workflow <paramref name="file"/>, adding its enabled rules that are valid to <see cref="CompiledRules"/>.</summary>
    public void Read(string file)
    {
        if (folder.ReadJson(file, "workflow") is not { } json)
        {
            return;
        }

        var category = RuleJson.RequireString(json, "WorkflowName", file, null, errors);
        if (category is not null)
        {
            if (!RuleSetLoader.Categories.Contains(category, StringComparer.Ordinal))
            {
                errors.Add(new RuleSetError(file, null, $"WorkflowName '{category}' is not a category ({string.Join(", ", RuleSetLoader.Categories)})"));
            }
            else if (_seenCategories.TryGetValue(category, out var other))
            {
                errors.Add(new RuleSetError(file, null, $"WorkflowName '{category}' is also the workflow of {other}: one workflow per category"));
            }
            else
            {
                _seenCategories[category] = file;
            }
        }

        foreach (var unsupported in new[] { "GlobalParams", "WorkflowsToInject" })
        {
            if (json.TryGetProperty(unsupported, out _))
            {
                errors.Add(new RuleSetError(file, null, $"{unsupported} is not supported: rules are self-contained predicates"));
            }
        }

        RuleJson.RejectUnknownKeys(json, ["$schema", "WorkflowName", "Rules", "GlobalParams", "WorkflowsToInject", "RuleExpressionType"], file, null, "workflow", errors);
        if (!json.TryGetProperty("Rules", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            errors.Add(new RuleSetError(file, null, "Rules: a non-empty list of rules is required"));
            return;
        }

        var index = 0;
        foreach (var rule in list.EnumerateArray())
        {
            index++;
            if (ReadRule(rule, index, file, category) is { } compiled)
            {
                CompiledRules.Add(compiled);
            }
        }
    }

    private CompiledRule? ReadRule(JsonElement rule, int index, string file, string? category)
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
        else if (_seenIds.TryGetValue(id, out var otherFile))
        {
            errors.Add(new RuleSetError(file, who, $"RuleName is not unique: {otherFile} has a rule with the same id"));
        }
        else
        {
            _seenIds[id] = file;
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

        RuleJson.RejectUnknownKeys(rule, [.. AllowedRuleKeys, "Rules", "Operator", "Actions", "LocalParams", "WorkflowsToInject"], file, who, "rule", errors);
        if (rule.TryGetProperty("RuleExpressionType", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "LambdaExpression"))
        {
            errors.Add(new RuleSetError(file, who, "RuleExpressionType: only LambdaExpression is supported"));
        }

        var enabled = !rule.TryGetProperty("Enabled", out var e) || e.ValueKind != JsonValueKind.False;
        if (rule.TryGetProperty("Enabled", out e) && e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(new RuleSetError(file, who, "Enabled must be true or false"));
        }

        var expression = RuleJson.RequireString(rule, "Expression", file, who, errors);
        if (!rule.TryGetProperty("Properties", out var props) || props.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError(file, who, "Properties: an object with the rule's scoring metadata is required"));
            return null;
        }

        var title = RuleJson.RequireString(props, "title", file, who, errors, ColumnLimits.Title);
        var ruleCategory = RuleJson.RequireString(props, "category", file, who, errors);
        if (ruleCategory is not null && category is not null && ruleCategory != category)
        {
            errors.Add(new RuleSetError(file, who, $"category '{ruleCategory}' differs from the workflow's '{category}'"));
        }

        var likelihood = RuleJson.RequireScale(props, "likelihood", file, who, errors);
        var impact = RuleJson.RequireScale(props, "impact", file, who, errors);
        Treatment? treatment = null;
        if (!props.TryGetProperty("treatment", out var t) || RuleJson.ParseEnum<Treatment>(t) is not { } parsedTreatment)
        {
            errors.Add(new RuleSetError(file, who, $"treatment: one of {string.Join(", ", Enum.GetNames<Treatment>())} is required"));
        }
        else
        {
            treatment = parsedTreatment;
        }

        var controls = RuleJson.ReadIdList(props, "controls", required: true, ReferenceData.AnnexAControls, "an ISO/IEC 42001 Annex A control id (A.2.2 … A.10.4)", file, who, errors);
        var nist = RuleJson.ReadIdList(props, "nist", required: false, ReferenceData.NistAiRmf, "a NIST AI RMF id (e.g. MEASURE 2.11)", file, who, errors);
        string? mit = null;
        if (props.TryGetProperty("mitDomain", out var m))
        {
            mit = m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (mit is null || !ReferenceData.MitAiRiskDomains.Contains(mit))
            {
                errors.Add(new RuleSetError(file, who, $"mitDomain '{m}' is not an MIT AI Risk Repository domain id (e.g. 2.1)"));
            }
        }

        var rationaleText = RuleJson.RequireString(props, "rationale", file, who, errors);
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

        RuleJson.RejectUnknownKeys(props, AllowedPropertyKeys, file, who, "Properties", errors);

        var (predicate, evidence) = expression is null ? default : compile.Expression(expression, scope, file, who);
        var modifiers = ReadModifiers(props, scope, file, who);
        var rationale = rationaleText is null ? null : compile.Rationale(rationaleText, file, who);

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
    private List<CompiledModifier> ReadModifiers(JsonElement props, RuleScope? scope, string file, string who)
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
            var when = ModifierText(item, "when", where, file, who);
            var reason = ModifierText(item, "reason", where, file, who);
            var likelihood = ReadStep(item, "likelihood", where, file, who);
            var impact = ReadStep(item, "impact", where, file, who);
            if (likelihood == 0 && impact == 0)
            {
                errors.Add(new RuleSetError(file, who, $"{where}: raises neither likelihood nor impact (give one of them 1-{RiskCriteria.Scale - 1})"));
            }

            RuleJson.RejectUnknownKeys(item, AllowedModifierKeys, file, who, where, errors);
            var condition = when is null ? null : compile.Condition(when, scope, where, file, who);

            if (errors.Count == before)
            {
                modifiers.Add(new CompiledModifier(new RuleModifier { When = when!, Likelihood = likelihood, Impact = impact, Reason = reason! }, condition!));
            }
        }

        return modifiers;
    }

    private string? ModifierText(JsonElement json, string key, string where, string file, string rule)
    {
        if (json.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
        {
            return value.GetString();
        }

        errors.Add(new RuleSetError(file, rule, $"{where}.{key}: a non-empty string is required"));
        return null;
    }

    private int ReadStep(JsonElement json, string key, string where, string file, string rule)
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
}

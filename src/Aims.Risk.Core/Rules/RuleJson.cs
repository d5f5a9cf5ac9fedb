using System.Collections.Frozen;
using System.Text.Json;

namespace Aims.Risk.Core.Rules;

/// <summary>The checks every rule set file shares: required strings and scores, id lists, known keys only, enum names.</summary>
internal static class RuleJson
{
    /// <summary><paramref name="maxLength"/>: the width of the register's column the value is stored in, if any.</summary>
    public static string? RequireString(JsonElement json, string key, string file, string? rule, List<RuleSetError> errors, int maxLength = int.MaxValue)
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

    public static int? RequireScale(JsonElement json, string key, string file, string rule, List<RuleSetError> errors)
    {
        if (json.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 1 and <= RiskCriteria.Scale)
        {
            return n;
        }

        var found = json.TryGetProperty(key, out value) ? $" (found {value.GetRawText()})" : "";
        errors.Add(new RuleSetError(file, rule, $"{key}: a whole number from 1 to {RiskCriteria.Scale} is required{found}"));
        return null;
    }

    public static List<string> ReadIdList(JsonElement json, string key, bool required, FrozenSet<string> known, string what, string file, string rule, List<RuleSetError> errors)
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

    public static void RejectUnknownKeys(JsonElement json, string[] allowed, string file, string? rule, string where, List<RuleSetError> errors)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new RuleSetError(file, rule, $"{where}: unknown key '{property.Name}' (allowed: {string.Join(", ", allowed.Where(a => a != "$schema"))})"));
            }
        }
    }

    public static T? ParseEnum<T>(JsonElement value)
        where T : struct, Enum =>
        value.ValueKind == JsonValueKind.String && Enum.TryParse<T>(value.GetString(), ignoreCase: false, out var parsed)
            && Enum.IsDefined(parsed) && !int.TryParse(value.GetString(), out _)
            ? parsed
            : null;
}

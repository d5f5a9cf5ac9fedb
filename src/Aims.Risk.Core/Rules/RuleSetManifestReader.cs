using System.Text.Json;
using System.Text.RegularExpressions;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// <c>manifest.json</c>: the rule set's name, its semantic version, the criteria and workflow files (inside the
/// folder, each once) and the changelog. A bad version or name is reported while the files are still read, so that
/// every error shows at once.
/// </summary>
internal static partial class RuleSetManifestReader
{
    private const string ManifestFile = RuleSetLoader.ManifestFile;

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersionPattern();

    public static RuleSetManifest? Read(RuleSetFolder folder, List<RuleSetError> errors)
    {
        if (folder.ReadJson(ManifestFile, "manifest") is not { } json)
        {
            return null;
        }

        var before = errors.Count;
        var name = RuleJson.RequireString(json, "name", ManifestFile, null, errors);
        var version = RuleJson.RequireString(json, "version", ManifestFile, null, errors, ColumnLimits.RuleSetVersion);
        if (version is not null && !SemanticVersionPattern().IsMatch(version))
        {
            errors.Add(new RuleSetError(ManifestFile, null, $"version '{version}' is not a semantic version (MAJOR.MINOR.PATCH)"));
        }

        var criteriaFile = RuleJson.RequireString(json, "criteria", ManifestFile, null, errors);
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
            if (file.Length > 0 && !RuleSetFolder.IsInside(folder.Root, file))
            {
                errors.Add(new RuleSetError(ManifestFile, null, $"'{file}' must be a file inside the rule set folder"));
            }
        }

        var changelog = RuleSetChangelog.Read(json, ManifestFile, v => SemanticVersionPattern().IsMatch(v), errors);
        RuleJson.RejectUnknownKeys(json, ["$schema", "name", "version", "description", "workflows", "criteria", RuleSetChangelog.Key], ManifestFile, null, "manifest", errors);

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
}

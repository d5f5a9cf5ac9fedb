using System.Text.Json.Nodes;
using Aims.Risk.Core.Rules;

namespace Aims.Risk.TestSupport;

/// <summary>The shipped rule pack, copied for a test or a benchmark that changes it.</summary>
public static class ShippedRulePack
{
    /// <summary>Copies the pack's files (the manifest, the criteria and the workflows) into <paramref name="folder"/>, created if needed.</summary>
    public static string CopyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(RepositoryRoot.Rules, "*.json"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    /// <summary>
    /// Makes the copy in <paramref name="folder"/> a new <paramref name="version"/> whose only change is a rule: SEC-900, the
    /// first security rule's copy that fires on every public system (scope system).
    /// </summary>
    public static void AddPublicSystemsRule(string folder, string version)
    {
        var security = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "security.json")))!;
        var rule = security["Rules"]![0]!.DeepClone();
        rule["RuleName"] = "SEC-900";
        rule["Expression"] = "change.System.Exposure == \"Public\"";
        rule["Properties"]!["scope"] = "system";
        rule["Properties"]!["rationale"] = "the system is public";
        security["Rules"]!.AsArray().Add(rule);
        File.WriteAllText(Path.Combine(folder, "security.json"), security.ToJsonString());
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RuleSetLoader.ManifestFile)))!;
        manifest["version"] = version;
        File.WriteAllText(Path.Combine(folder, RuleSetLoader.ManifestFile), manifest.ToJsonString());
    }
}

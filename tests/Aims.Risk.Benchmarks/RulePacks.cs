using System.Text.Json.Nodes;
using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Benchmarks;

/// <summary>Larger rule sets for the growth curve: the shipped pack's rules cloned under new ids, loaded by the real loader.</summary>
public static class RulePacks
{
    public static RuleSet Load(int multiplier)
    {
        if (multiplier == 1)
        {
            return Workload.Pack;
        }

        var directory = Path.Combine(Path.GetTempPath(), "aims-risk-bench", $"rules-x{multiplier}");
        Directory.CreateDirectory(directory);
        var source = RepositoryRoot.Rules;
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(source, RuleSetLoader.ManifestFile)))!;
        File.Copy(Path.Combine(source, RuleSetLoader.ManifestFile), Path.Combine(directory, RuleSetLoader.ManifestFile), overwrite: true);
        var criteria = manifest["criteria"]!.GetValue<string>();
        File.Copy(Path.Combine(source, criteria), Path.Combine(directory, criteria), overwrite: true);
        foreach (var file in manifest["workflows"]!.AsArray().Select(w => w!.GetValue<string>()))
        {
            var workflow = JsonNode.Parse(File.ReadAllText(Path.Combine(source, file)))!.AsObject();
            workflow.Remove("$schema");
            var rules = workflow["Rules"]!.AsArray();
            var originals = rules.Select(r => r!.DeepClone()).ToList();
            for (var copy = 1; copy < multiplier; copy++)
            {
                foreach (var original in originals)
                {
                    var rule = original.DeepClone();
                    rule["RuleName"] = CloneId(rule["RuleName"]!.GetValue<string>(), copy);
                    rules.Add(rule);
                }
            }

            // Compact, so that ×100 of a workflow stays under the loader's 1 MiB per file.
            File.WriteAllText(Path.Combine(directory, file), workflow.ToJsonString());
        }

        return RuleSetLoader.Load(directory);
    }

    /// <summary>PRIV-004, copy 27 → PRXBB-004: two letters of the prefix, X, two letters counting the copy.</summary>
    private static string CloneId(string id, int copy)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return $"{id[..2]}X{(char)('A' + copy / 26)}{(char)('A' + copy % 26)}{id[dash..]}";
    }
}

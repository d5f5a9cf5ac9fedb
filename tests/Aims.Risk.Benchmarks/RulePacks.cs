using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Larger rule sets for the growth curve, loaded by the real loader. A rule set ten or a hundred times the pack is
/// not the pack repeated: an organisation grows its rules by scoping them to its business domains and kinds of
/// system ("for HR systems that are fully automated, ..."), and adjusting what each one checks. So copy <c>c</c>
/// of a pack rule is that rule
/// <list type="bullet">
/// <item>scoped to one of the business domains the generated events carry (<c>change.System.Domain == "hr"</c>)
///   and, for most copies, to one value of the system's exposure, model provenance, autonomy or risk class:
///   7 × 15 scopes, so no two copies of a rule are alike;</item>
/// <item>with each enum value it names that belongs to one enum only (a change type, a provenance, a risk class, ...)
///   moved on by <c>c</c> within its enum, so copies address other change types and kinds of system;</item>
/// <item>with each decimal threshold moved by up to 8 %.</item>
/// </list>
/// Every rule is distinct, each fires on some events, and the scope is written first, as the pack writes its own
/// change-type conditions. <see cref="Clones"/> keeps the former sets (the pack's rules repeated under new ids) for
/// the probe.
/// </summary>
public static partial class RulePacks
{
    /// <summary>The domains of <see cref="RandomEvents"/>.</summary>
    private static readonly string[] Domains = ["finance", "health", "hr", "retail", "employment", "life-insurance", "legal-information"];

    private static readonly string[] Scopes =
    [
        "",
        "change.System.Exposure == \"Internal\"", "change.System.Exposure == \"CustomerFacing\"", "change.System.Exposure == \"Public\"",
        "change.Model.Provenance == \"InHouse\"", "change.Model.Provenance == \"ThirdPartyApi\"", "change.Model.Provenance == \"OpenWeights\"", "change.Model.Provenance == \"Vendor\"",
        "change.System.Autonomy == \"HumanInTheLoop\"", "change.System.Autonomy == \"HumanOnTheLoop\"", "change.System.Autonomy == \"FullyAutomated\"",
        "change.System.EuAiActRiskClass == \"Minimal\"", "change.System.EuAiActRiskClass == \"Limited\"", "change.System.EuAiActRiskClass == \"High\"",
        "change.System.EuAiActRiskClass == \"Unknown\"",
    ];

    /// <summary>Enum member names that belong to one contract enum only, with the members of that enum.</summary>
    private static readonly Dictionary<string, string[]> EnumOf = BuildEnumOf();

    [GeneratedRegex("\"(\\w+)\"")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?<![\w.])(\d+\.\d+)")]
    private static partial Regex Decimal();

    /// <summary>The pack (<paramref name="multiplier"/> 1), or the pack with <paramref name="multiplier"/> − 1 distinct variants of each rule.</summary>
    public static RuleSet Load(int multiplier) => multiplier == 1 ? Workload.Pack : Write($"rules-x{multiplier}", multiplier, Variant);

    /// <summary>The pack's rules repeated under new ids, each copy compiled on its own (the growth sets before the index).</summary>
    public static RuleSet Clones(int multiplier) => multiplier == 1 ? Workload.Pack : Write($"clones-x{multiplier}", multiplier, (expression, _) => expression);

    private static RuleSet Write(string name, int multiplier, Func<string, int, string> vary)
    {
        var directory = Path.Combine(Path.GetTempPath(), "aims-risk-bench", name);
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
                    rule["Expression"] = vary(rule["Expression"]!.GetValue<string>(), copy);
                    rules.Add(rule);
                }
            }

            // Compact; the loader allows 1 KiB per rule of maxRules in a file (RuleSetFolder.MaxFileBytesFor).
            File.WriteAllText(Path.Combine(directory, file), workflow.ToJsonString());
        }

        return RuleSetLoader.Load(directory, maxRules: 100_000);
    }

    /// <summary>Copy <paramref name="copy"/> (1 and up) of a rule's expression: scoped, its enum values and thresholds moved.</summary>
    public static string Variant(string expression, int copy)
    {
        var moved = Quoted().Replace(expression, m =>
            EnumOf.TryGetValue(m.Groups[1].Value, out var members)
                ? $"\"{members[(Array.IndexOf(members, m.Groups[1].Value) + copy) % members.Length]}\""
                : m.Value);
        moved = Decimal().Replace(moved, m =>
            (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * (1 + (copy % 9 - 4) / 50.0)).ToString("0.0####", CultureInfo.InvariantCulture));
        var scope = $"change.System.Domain == \"{Domains[copy % Domains.Length]}\"";
        var second = Scopes[copy / Domains.Length % Scopes.Length];
        return second.Length == 0 ? $"{scope} && ({moved})" : $"{scope} && {second} && ({moved})";
    }

    private static Dictionary<string, string[]> BuildEnumOf()
    {
        Type[] enums = [typeof(ChangeType), typeof(Exposure), typeof(Autonomy), typeof(EuAiActRiskClass), typeof(ModelProvenance), typeof(BiometricUse), typeof(DataOrigin)];
        return enums.SelectMany(e => Enum.GetNames(e).Select(n => (Name: n, Members: Enum.GetNames(e))))
            .GroupBy(x => x.Name, StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Members, StringComparer.Ordinal);
    }

    /// <summary>PRIV-004, copy 27 → PRXBB-004: two letters of the prefix, X, two letters counting the copy.</summary>
    private static string CloneId(string id, int copy)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return $"{id[..2]}X{(char)('A' + copy / 26)}{(char)('A' + copy % 26)}{id[dash..]}";
    }
}

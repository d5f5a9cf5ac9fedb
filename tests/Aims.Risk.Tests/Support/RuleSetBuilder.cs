using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aims.Risk.Tests.Support;

/// <summary>
/// Writes a small, valid rule set to a temporary folder; tests break one thing in it and check the error.
/// </summary>
public sealed class RuleSetBuilder : IDisposable
{
    public RuleSetBuilder()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aims-risk-rules-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Manifest = JsonNode.Parse("""
            { "name": "test", "version": "1.2.3", "workflows": ["privacy.json", "security.json"], "criteria": "criteria.json" }
            """)!.AsObject();
        Criteria = JsonNode.Parse("""
            {
              "grid": [
                ["Low", "Low", "Low", "Medium", "Medium"],
                ["Low", "Low", "Medium", "Medium", "High"],
                ["Low", "Medium", "Medium", "High", "High"],
                ["Medium", "Medium", "High", "High", "Critical"],
                ["Medium", "High", "High", "Critical", "Critical"]
              ],
              "acceptanceThreshold": "Medium",
              "dueDays": { "Low": 180, "Medium": 90, "High": 30, "Critical": 7 }
            }
            """)!.AsObject();
        Workflows["privacy.json"] = Workflow("privacy",
            Rule("PRIV-001", "change.Datasets.Any(d => d.ContainsPersonalData == true && d.ConsentBasis == null)", "privacy", 4, 4,
                rationale: "Datasets {change.Datasets.Where(d => d.ContainsPersonalData == true && d.ConsentBasis == null).Select(d => d.Name)} have no consent basis"),
            Rule("PRIV-002", "change.Model.Metrics.Accuracy < 0.8", "privacy", 1, 2, rationale: "Accuracy {change.Model.Metrics.Accuracy}"));
        Workflows["security.json"] = Workflow("security",
            Rule("SEC-001", "change.ChangeType == \"ModelDeployed\" && change.Security.ArtifactSigned != true", "security", 5, 5, treatment: "Avoid", controls: ["A.6.2.5", "A.6.2.4"]));
    }

    public string Directory { get; }

    public JsonObject Manifest { get; }

    public JsonObject Criteria { get; }

    public Dictionary<string, JsonObject> Workflows { get; } = new(StringComparer.Ordinal);

    public static JsonObject Workflow(string name, params JsonObject[] rules) =>
        new() { ["WorkflowName"] = name, ["Rules"] = new JsonArray([.. rules]) };

    public static JsonObject Rule(
        string id,
        string expression,
        string category,
        int likelihood = 3,
        int impact = 3,
        string treatment = "Mitigate",
        string[]? controls = null,
        string rationale = "because",
        string? scope = null) => new()
        {
            ["RuleName"] = id,
            ["Expression"] = expression,
            ["Properties"] = new JsonObject
            {
                ["title"] = $"Title of {id}",
                ["category"] = category,
                ["likelihood"] = likelihood,
                ["impact"] = impact,
                ["treatment"] = treatment,

                // A rule about the change type is about the change; any other is about the system.
                ["scope"] = scope ?? (expression.Contains("ChangeType", StringComparison.Ordinal) ? "change" : "system"),
                ["controls"] = new JsonArray([.. (controls ?? ["A.7.2"]).Select(c => (JsonNode)c)]),
                ["nist"] = new JsonArray("MAP 4.1"),
                ["mitDomain"] = "2.1",
                ["rationale"] = rationale,
                ["guidance"] = $"Guidance of {id}",
            },
        };

    public JsonObject RuleAt(string file, int index) => Workflows[file]["Rules"]![index]!.AsObject();

    /// <summary>Writes the files; returns the folder.</summary>
    public string Write()
    {
        var options = new JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(System.IO.Path.Combine(Directory, "manifest.json"), Manifest.ToJsonString(options));
        File.WriteAllText(System.IO.Path.Combine(Directory, "criteria.json"), Criteria.ToJsonString(options));
        foreach (var (file, workflow) in Workflows)
        {
            File.WriteAllText(System.IO.Path.Combine(Directory, file), workflow.ToJsonString(options));
        }

        return Directory;
    }

    public void WriteTests(string json)
    {
        var tests = System.IO.Path.Combine(Directory, "tests");
        System.IO.Directory.CreateDirectory(tests);
        File.WriteAllText(System.IO.Path.Combine(tests, "cases.json"), json);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The JSON Schemas of <c>rules/schemas/</c>, embedded in the build: rule files are checked against the
/// schemas the service was built with, not against whatever a rule folder carries.
/// </summary>
internal static class RuleFileSchemas
{
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new(StringComparer.Ordinal);

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };

    /// <param name="kind">manifest, criteria, workflow or rule-tests.</param>
    public static IReadOnlyList<(string Location, string Message)> Validate(string kind, JsonElement instance)
    {
        var result = Schemas.GetOrAdd(kind, Load).Evaluate(instance, Options);
        if (result.IsValid)
        {
            return [];
        }

        var problems = new List<(string, string)>();
        foreach (var detail in (result.Details ?? []).Prepend(result))
        {
            // The branches of anyOf/oneOf fail by design; their summary error says enough.
            var path = detail.EvaluationPath.ToString();
            if (detail.Errors is null || path.Contains("/anyOf/", StringComparison.Ordinal) || path.Contains("/oneOf/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var (keyword, message) in detail.Errors)
            {
                var location = detail.InstanceLocation.ToString();
                problems.Add((location, $"{(location.Length == 0 ? "/" : location)}: {message} ({keyword})"));
            }
        }

        return problems.Distinct().ToList();
    }

    private static JsonSchema Load(string kind)
    {
        var name = $"Aims.Risk.Core.Rules.Schemas.{kind}.schema.json";
        using var stream = typeof(RuleFileSchemas).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded schema {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}

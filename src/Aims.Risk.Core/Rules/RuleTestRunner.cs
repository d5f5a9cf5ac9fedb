using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.IO;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Runs the rule tests of <c>rules/tests/*.json</c>: example events with the rules they must and must not
/// fire. Every rule must be fired by one case and not fired by another. A rule that runs out of its step budget
/// (<see cref="RuleStepBudget"/>) or allocates beyond <see cref="MaxRuleAllocatedBytes"/> on a test event fails too:
/// runaway expressions are caught before they reach production, by counts that do not depend on the machine's load
/// (a wall-clock limit here failed good rule sets on a busy machine).
/// </summary>
public static class RuleTestRunner
{
    public const string TestsFolder = "tests";

    /// <summary>
    /// Bytes one evaluation of one rule (its expression, and its rationale when it fires) may allocate on a test
    /// event. A predicate over a small event allocates kilobytes; text or collections built per item show here
    /// long before they exhaust a worker's memory on a large event.
    /// </summary>
    public const long MaxRuleAllocatedBytes = 10 * 1024 * 1024;

    public static RuleTestReport Run(RuleSet ruleSet, string directory, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        ArgumentNullException.ThrowIfNull(clock);
        var failures = new List<RuleSetError>();
        var folder = Path.Combine(directory, TestsFolder);
        if (!Directory.Exists(folder))
        {
            return new RuleTestReport(0, [new RuleSetError(TestsFolder, null, "the rule tests folder does not exist")]);
        }

        var rules = ruleSet.Rules.ToDictionary(r => r.Definition.Id, StringComparer.Ordinal);
        var fired = new HashSet<string>(StringComparer.Ordinal);
        var notFired = new HashSet<string>(StringComparer.Ordinal);
        var caseCount = 0;
        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(directory, path);
            foreach (var testCase in ReadCases(path, file, Path.GetFullPath(directory), failures, clock))
            {
                caseCount++;
                var normalized = EventNormalizer.Normalize(testCase.Change);
                foreach (var (id, mustFire) in testCase.MustFire.Select(id => (id, true)).Concat(testCase.MustNotFire.Select(id => (id, false))))
                {
                    if (!rules.TryGetValue(id, out var rule))
                    {
                        failures.Add(new RuleSetError(file, id, $"case '{testCase.Name}' names a rule that is not in the rule set (or is disabled)"));
                        continue;
                    }

                    // Bounded by work, not by the clock: the step budget stops a runaway expression (it throws, reported
                    // below) and the allocation bound catches text or collections built per item. A wall-clock limit here
                    // refused sound rule sets whenever the machine was busy.
                    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                    bool result;
                    try
                    {
                        result = rule.Fires(normalized);
                        if (result)
                        {
                            _ = rule.RenderRationale(normalized);
                            _ = rule.Score(normalized);
                        }
                    }
#pragma warning disable CA1031 // Reported as a test failure with the exception's message.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        failures.Add(new RuleSetError(rule.Definition.File, id, $"throws {ex.GetType().Name} on case '{testCase.Name}' ({file}): {ex.Message}"));
                        continue;
                    }

                    var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                    if (allocated > MaxRuleAllocatedBytes)
                    {
                        failures.Add(new RuleSetError(rule.Definition.File, id, $"allocated {allocated / 1024 / 1024.0:0.0} MB on case '{testCase.Name}'; the limit is {MaxRuleAllocatedBytes / 1024 / 1024} MB"));
                    }

                    (result ? fired : notFired).Add(id);
                    if (result != mustFire)
                    {
                        failures.Add(new RuleSetError(file, id, $"case '{testCase.Name}': expected the rule {(mustFire ? "to fire" : "not to fire")}, but it {(result ? "fired" : "did not fire")}"));
                    }
                    else if (result && testCase.Levels.TryGetValue(id, out var expected))
                    {
                        var score = rule.Score(normalized);
                        var level = ruleSet.Criteria.LevelOf(score.Likelihood, score.Impact);
                        if (level != expected || score.Errors.Count > 0)
                        {
                            var applied = score.Modifiers.Count == 0 ? "no modifier applied" : $"modifiers: {string.Join("; ", score.Modifiers)}";
                            failures.Add(new RuleSetError(file, id, $"case '{testCase.Name}': expected level {expected}, but it scored {level} (likelihood {score.Likelihood}, impact {score.Impact}; {applied}{string.Concat(score.Errors.Select(e => "; error: " + e))})"));
                        }
                    }
                }
            }
        }

        foreach (var rule in ruleSet.Rules)
        {
            var id = rule.Definition.Id;
            if (!fired.Contains(id))
            {
                failures.Add(new RuleSetError(rule.Definition.File, id, "no test case fires this rule (add one to mustFire)"));
            }

            if (!notFired.Contains(id))
            {
                failures.Add(new RuleSetError(rule.Definition.File, id, "no test case shows this rule not firing (add one to mustNotFire)"));
            }
        }

        return new RuleTestReport(caseCount, failures);
    }

    private static List<RuleTestCase> ReadCases(string path, string file, string ruleSetFolder, List<RuleSetError> failures, TimeProvider clock)
    {
        var cases = new List<RuleTestCase>();
        JsonNode? root;
        try
        {
            if (BoundedFile.TryRead(path, out var problem) is not { } text)
            {
                failures.Add(new RuleSetError(file, null, problem!));
                return cases;
            }

            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            failures.Add(new RuleSetError(file, null, $"is not valid JSON: {ex.Message}"));
            return cases;
        }

        if (root is JsonObject rootObject)
        {
            using var document = JsonDocument.Parse(root.ToJsonString());
            failures.AddRange(RuleFileSchemas.Validate("rule-tests", document.RootElement).Select(p => new RuleSetError(file, null, $"schema: {p.Message}")));
        }

        if (root?["cases"] is not JsonArray list)
        {
            failures.Add(new RuleSetError(file, null, "cases: a list of test cases is required"));
            return cases;
        }

        var index = 0;
        foreach (var item in list)
        {
            index++;
            var name = item?["name"]?.GetValueKind() == JsonValueKind.String ? item["name"]!.GetValue<string>() : $"case #{index}";
            try
            {
                cases.Add(ReadCase(item as JsonObject ?? throw new InvalidDataException("a case must be an object"), name, Path.GetDirectoryName(path)!, ruleSetFolder, clock));
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidEventException or IOException or JsonException or InvalidOperationException)
            {
                failures.Add(new RuleSetError(file, null, $"case '{name}': {ex.Message}"));
            }
        }

        return cases;
    }

    private static RuleTestCase ReadCase(JsonObject item, string name, string folder, string ruleSetFolder, TimeProvider clock)
    {
        JsonNode? change = item["event"]?.DeepClone();
        if (item["base"] is { } baseNode)
        {
            // A base is an example event of the rule set, never a file elsewhere on the machine.
            var baseName = baseNode.GetValue<string>();
            var basePath = Path.GetFullPath(Path.Combine(folder, baseName));
            if (Path.IsPathRooted(baseName) || !RuleSetFolder.IsInside(ruleSetFolder, Path.GetRelativePath(ruleSetFolder, basePath)))
            {
                throw new InvalidDataException($"base '{baseName}' must be a file inside the rule set folder");
            }

            var baseText = BoundedFile.TryRead(basePath, out var problem, AiSystemChangedReader.DefaultMaxBytes)
                ?? throw new InvalidDataException($"base '{baseName}' {problem}");
            var baseEvent = JsonNode.Parse(baseText) ?? throw new InvalidDataException($"base {baseNode} is JSON null");
            change = change is null ? baseEvent : MergePatch(baseEvent, change);
        }

        if (change is null)
        {
            throw new InvalidDataException("'event' (or 'base') is required");
        }

        AiSystemChanged parsed;
        try
        {
            parsed = AiSystemChangedReader.Read(Encoding.UTF8.GetBytes(change.ToJsonString()), clock);
        }
        catch (InvalidEventException ex)
        {
            throw new InvalidEventException($"the event is not a valid AiSystemChanged: {ex.Message}");
        }

        var levels = Levels(item);
        return new RuleTestCase(name, parsed, [.. Ids(item, "mustFire").Union(levels.Keys, StringComparer.Ordinal)], Ids(item, "mustNotFire"), levels);
    }

    /// <summary><c>levels</c>: rule id → the level it must score on the case (after its modifiers); such a rule must fire.</summary>
    private static Dictionary<string, RiskLevel> Levels(JsonObject item)
    {
        var levels = new Dictionary<string, RiskLevel>(StringComparer.Ordinal);
        if (item["levels"] is not JsonObject map)
        {
            return levels;
        }

        foreach (var (id, value) in map)
        {
            levels[id] = value?.GetValueKind() == JsonValueKind.String && Enum.TryParse<RiskLevel>(value.GetValue<string>(), ignoreCase: false, out var level) && Enum.IsDefined(level)
                ? level
                : throw new InvalidDataException($"levels.{id}: one of {string.Join(", ", Enum.GetNames<RiskLevel>())} is required");
        }

        return levels;
    }

    private static string[] Ids(JsonObject item, string key) =>
        item[key] is JsonArray ids ? [.. ids.Select(id => id?.GetValue<string>() ?? throw new InvalidDataException($"{key}: ids must be strings"))] : [];

    /// <summary>RFC 7386 JSON merge patch: objects merge member by member, null deletes, anything else replaces.</summary>
    internal static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = MergePatch(result[key], value);
                result[key] = merged;
            }
        }

        return result;
    }

    private sealed record RuleTestCase(string Name, AiSystemChanged Change, string[] MustFire, string[] MustNotFire, IReadOnlyDictionary<string, RiskLevel> Levels);
}

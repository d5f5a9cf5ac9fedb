using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Core.IO;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The rule set folder as the loader reads it: only files inside it, each opened through <see cref="BoundedFile"/> (a
/// regular file, at most <paramref name="maxFileBytes"/>: 1 MiB, or 1 KiB per rule the set may hold where that is more), parsed as a JSON object and checked against its schema. Every file read is kept, in
/// the order read, for the rule set's fingerprint.
/// </summary>
internal sealed class RuleSetFolder(string root, List<RuleSetError> errors, int maxFileBytes = BoundedFile.MaxBytes)
{
    /// <summary>
    /// The most a file of a set of <paramref name="maxRules"/> rules may hold: 1 MiB, or 1 KiB per rule where that is
    /// more (<see cref="RulesOptions.MaxRules"/> above 1,024), so that a set as large as the limit allows fits its four
    /// workflow files. Still bounded by configuration, never by the file.
    /// </summary>
    public static int MaxFileBytesFor(int maxRules) => (int)Math.Min(int.MaxValue, Math.Max(BoundedFile.MaxBytes, 1024L * maxRules));

    /// <summary>How schema errors are marked, so that <see cref="WithoutRepeatedSchemaErrors"/> can tell them apart.</summary>
    private const string SchemaPrefix = "schema: ";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    private readonly List<(string Name, string Text)> _files = [];

    /// <summary>The folder's full path.</summary>
    public string Root => root;

    /// <summary>
    /// Reads <paramref name="file"/> (a <paramref name="what"/>: manifest, criteria or workflow) as a JSON object and
    /// checks it against its schema; null, with the reason in the errors, when it cannot be read or is not an object.
    /// </summary>
    public JsonElement? ReadJson(string file, string what)
    {
        var path = Path.Combine(root, file);
        if (BoundedFile.TryRead(path, out var problem, maxFileBytes) is not { } text)
        {
            errors.Add(new RuleSetError(file, null, problem == "does not exist" ? $"the {what} file does not exist" : $"the {what} file {problem}"));
            return null;
        }

        _files.Add((file, text));
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

    /// <summary>The rule set's hash (SHA-256 over each file's name, length and text, in the order read) and its content (a JSON object of file texts).</summary>
    public (string Hash, string Content) Fingerprint()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var content = new JsonObject();
        foreach (var (name, text) in _files)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}\n{bytes.Length}\n"));
            sha.AppendData(bytes);
            content[name] = text;
        }

        return (Convert.ToHexStringLower(sha.GetHashAndReset()), content.ToJsonString());
    }

    /// <summary>Whether <paramref name="file"/>, a relative path, names a file inside <paramref name="root"/>.</summary>
    public static bool IsInside(string root, string file)
    {
        if (Path.IsPathRooted(file))
        {
            return false;
        }

        var full = Path.GetFullPath(Path.Combine(root, file));
        return full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>
    /// The schema and the loader's own checks often see the same mistake; the loader's message is the more
    /// precise, so schema errors are kept only for a file in which the loader found nothing wrong.
    /// </summary>
    public static List<RuleSetError> WithoutRepeatedSchemaErrors(List<RuleSetError> errors) =>
        [.. errors.Where(e => !IsSchemaError(e) || !errors.Any(o => !IsSchemaError(o) && o.File == e.File))];

    private static bool IsSchemaError(RuleSetError error) => error.Message.StartsWith(SchemaPrefix, StringComparison.Ordinal);

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
}

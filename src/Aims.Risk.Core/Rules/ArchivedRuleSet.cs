using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Compiles an archived rule set (<c>RuleSetVersions.Content</c>: file name → text) with the loader, so it is
/// validated and compiled exactly as a folder is. The files are written to a private temporary folder and removed.
/// </summary>
public static class ArchivedRuleSet
{
    /// <exception cref="RuleSetValidationException">The archived content does not load with this version's loader.</exception>
    public static RuleSet Load(RuleSetArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var folder = Path.Combine(Path.GetTempPath(), $"aims-risk-archive-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            JsonObject files;
            try
            {
                files = JsonNode.Parse(archive.Content)?.AsObject() ?? [];
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                throw new RuleSetValidationException($"archived rule set {archive.Version} (sha256 {archive.Hash})", [new RuleSetError("RuleSetVersions.Content", null, $"is not a JSON object of files: {ex.Message}")]);
            }

            foreach (var (name, text) in files)
            {
                // Names come from the manifest the loader checked when it archived them: plain file names in the folder.
                if (Path.GetFileName(name) != name || text?.GetValueKind() != JsonValueKind.String)
                {
                    throw new RuleSetValidationException($"archived rule set {archive.Version} (sha256 {archive.Hash})", [new RuleSetError(name, null, "is not a file of the rule set folder")]);
                }

                File.WriteAllText(Path.Combine(folder, name), text.GetValue<string>());
            }

            var ruleSet = RuleSetLoader.Load(folder);
            if (ruleSet.Hash != archive.Hash)
            {
                throw new RuleSetValidationException($"archived rule set {archive.Version}", [new RuleSetError("RuleSetVersions.Content", null, $"its files hash to sha256 {ruleSet.Hash}, not the archived {archive.Hash}")]);
            }

            return ruleSet;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

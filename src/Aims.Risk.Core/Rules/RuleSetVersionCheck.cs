using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Version discipline against the archive (ISO/IEC 42001 6.1.2, controlled change of the criteria): a version names one
/// content, so a rule set whose hash differs from the archived one of the same version is refused with both hashes;
/// and a new version whose risk criteria differ from the version archived before it needs its changelog entry.
/// </summary>
public static class RuleSetVersionCheck
{
    public static IReadOnlyList<RuleSetError> Check(RuleSet candidate, IReadOnlyList<RuleSetArchive> archived)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(archived);
        if (archived.Any(a => a.Hash == candidate.Hash))
        {
            // This very content was active before (a restart, another replica, a rollback): nothing to decide.
            return [];
        }

        var sameVersion = archived.Where(a => a.Version == candidate.Version).ToList();
        if (sameVersion.Count > 0)
        {
            var hashes = string.Join(", ", sameVersion.Select(a => a.Hash));
            return
            [
                new RuleSetError(
                    RuleSetLoader.ManifestFile,
                    null,
                    $"version {candidate.Version} is archived with sha256 {hashes}, but this rule set's content has sha256 {candidate.Hash}: "
                    + "a changed rule set needs a new version; bump \"version\" in manifest.json (and add its changelog entry)"),
            ];
        }

        var previous = archived.Where(a => a.Version != candidate.Version).MaxBy(a => a.ActivatedAt);
        if (previous is null || candidate.Manifest.EntryOfVersion is not null)
        {
            return [];
        }

        var before = CriteriaOf(previous.Content);
        var now = CriteriaOf(candidate.Content);
        if (before is null || now is null || JsonNode.DeepEquals(before, now))
        {
            return [];
        }

        return
        [
            new RuleSetError(
                RuleSetLoader.ManifestFile,
                null,
                $"the risk criteria differ from version {previous.Version} (sha256 {previous.Hash}): a changelog entry for version {candidate.Version} "
                + "(version, date, author, approver, summary) is required"),
        ];
    }

    /// <summary>
    /// The criteria of an archived content (file name → text) as the loader reads them: the <c>$schema</c> pointer
    /// ignored and the default maximum acceptance filled in, so a change of layout or comments is no change. Null when
    /// the content has no readable criteria (a damaged archive row decides nothing).
    /// </summary>
    internal static JsonObject? CriteriaOf(string content)
    {
        try
        {
            var files = JsonNode.Parse(content)?.AsObject();
            var manifestText = files?[RuleSetLoader.ManifestFile]?.GetValue<string>();
            var criteriaFile = manifestText is null ? null : JsonNode.Parse(manifestText, documentOptions: Comments)?["criteria"]?.GetValue<string>();
            var criteriaText = criteriaFile is null ? null : files?[criteriaFile]?.GetValue<string>();
            if (criteriaText is null || JsonNode.Parse(criteriaText, documentOptions: Comments) is not JsonObject criteria)
            {
                return null;
            }

            criteria.Remove("$schema");
            if (!criteria.ContainsKey("maxAcceptanceDays"))
            {
                criteria["maxAcceptanceDays"] = RiskCriteria.DefaultMaxAcceptanceDays;
            }

            return criteria;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static readonly JsonDocumentOptions Comments = new() { CommentHandling = JsonCommentHandling.Skip };
}

using System.Globalization;
using System.Text.Json;

namespace Aims.Risk.Core.Rules;

/// <summary>Reads the manifest's <c>changelog</c>; the schema checks the shape, this the meaning.</summary>
internal static class RuleSetChangelog
{
    public const string Key = "changelog";

    public static IReadOnlyList<ChangelogEntry> Read(JsonElement manifest, string file, Func<string, bool> isVersion, List<RuleSetError> errors)
    {
        if (!manifest.TryGetProperty(Key, out var list))
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new RuleSetError(file, null, "changelog: a list of entries (version, date, author, approver, summary) is required"));
            return [];
        }

        var entries = new List<ChangelogEntry>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            index++;
            var where = $"changelog entry {index}";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new RuleSetError(file, null, $"{where}: an object is required"));
                continue;
            }

            var version = Text(item, "version");
            var date = Text(item, "date");
            var author = Text(item, "author");
            var approver = Text(item, "approver");
            var summary = Text(item, "summary");
            var before = errors.Count;
            foreach (var (name, value) in new[] { ("version", version), ("date", date), ("author", author), ("approver", approver), ("summary", summary) })
            {
                if (value is null)
                {
                    errors.Add(new RuleSetError(file, null, $"{where}: {name}: a non-empty string is required"));
                }
            }

            if (version is not null && !isVersion(version))
            {
                errors.Add(new RuleSetError(file, null, $"{where}: version '{version}' is not a semantic version (MAJOR.MINOR.PATCH)"));
            }
            else if (version is not null && entries.Any(e => e.Version == version))
            {
                errors.Add(new RuleSetError(file, null, $"{where}: version '{version}' has an entry already: one entry per version"));
            }

            DateOnly day = default;
            if (date is not null && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            {
                errors.Add(new RuleSetError(file, null, $"{where}: date '{date}' is not a date (YYYY-MM-DD)"));
            }

            if (errors.Count == before)
            {
                entries.Add(new ChangelogEntry(version!, day, author!, approver!, summary!));
            }
        }

        return entries;
    }

    private static string? Text(JsonElement item, string key) =>
        item.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;
}

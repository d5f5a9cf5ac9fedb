using System.Text.Json.Nodes;
using Aims.Risk.Core.Rules;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Rules;

/// <summary>The manifest's <c>changelog</c>: version, date, author, approver and summary per entry.</summary>
public sealed class ChangelogTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Entries_are_read_and_the_entry_of_the_version_is_found()
    {
        _rules.Manifest["changelog"] = new JsonArray(Entry("1.2.3", summary: "raised PRIV-002"), Entry("1.2.2"));

        var manifest = RuleSetLoader.Load(_rules.Write()).Manifest;

        Assert.Equal(2, manifest.Changelog.Count);
        Assert.Equal(new ChangelogEntry("1.2.3", new DateOnly(2026, 11, 29), "author a", "approver b", "raised PRIV-002"), manifest.EntryOfVersion);
    }

    [Fact]
    public void A_manifest_without_a_changelog_loads_with_none()
    {
        var manifest = RuleSetLoader.Load(_rules.Write()).Manifest;

        Assert.Empty(manifest.Changelog);
        Assert.Null(manifest.EntryOfVersion);
    }

    [Theory]
    [InlineData("approver", null, "approver: a non-empty string is required")]
    [InlineData("author", " ", "author: a non-empty string is required")]
    [InlineData("date", "29/11/2026", "date '29/11/2026' is not a date")]
    [InlineData("date", "2026-02-30", "date '2026-02-30' is not a date")]
    [InlineData("version", "1.3", "version '1.3' is not a semantic version")]
    public void A_bad_entry_is_refused_naming_the_entry_and_the_field(string field, string? value, string expected)
    {
        var entry = Entry("1.2.3");
        entry[field] = value is null ? null : JsonValue.Create(value);
        if (value is null)
        {
            entry.Remove(field);
        }

        _rules.Manifest["changelog"] = new JsonArray(Entry("1.2.2"), entry);

        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains(ex.Errors, e => e.File == "manifest.json" && e.Message.StartsWith("changelog entry 2: ", StringComparison.Ordinal) && e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Two_entries_for_one_version_are_refused()
    {
        _rules.Manifest["changelog"] = new JsonArray(Entry("1.2.3"), Entry("1.2.3"));

        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains(ex.Errors, e => e.Message.Contains("version '1.2.3' has an entry already", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_key_in_an_entry_is_refused_by_the_schema()
    {
        var entry = Entry("1.2.3");
        entry["reviewer"] = "someone";
        _rules.Manifest["changelog"] = new JsonArray(entry);

        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains(ex.Errors, e => e.File == "manifest.json" && e.Message.Contains("reviewer", StringComparison.Ordinal));
    }

    private static JsonObject Entry(string version, string summary = "changed") => new()
    {
        ["version"] = version,
        ["date"] = "2026-11-29",
        ["author"] = "author a",
        ["approver"] = "approver b",
        ["summary"] = summary,
    };
}

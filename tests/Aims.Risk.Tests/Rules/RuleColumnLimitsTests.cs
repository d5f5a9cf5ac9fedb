using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Rules;

/// <summary>What the loader accepts fits the register's columns; a longer title or version is refused by name.</summary>
public sealed class RuleColumnLimitsTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void A_title_as_wide_as_its_column_loads()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["title"] = new string('t', ColumnLimits.Title);

        Assert.Equal(ColumnLimits.Title, RuleSetLoader.Load(_rules.Write()).Rules[0].Definition.Title.Length);
    }

    [Fact]
    public void A_title_wider_than_its_column_is_refused_naming_the_rule()
    {
        _rules.RuleAt("privacy.json", 0)["Properties"]!["title"] = new string('t', ColumnLimits.Title + 1);

        var errors = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write())).Errors;

        Assert.Contains(errors, e => e.File == "privacy.json" && e.RuleId == "PRIV-001" && e.Message == $"title: {ColumnLimits.Title + 1} characters; the limit is {ColumnLimits.Title}");
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void A_version_wider_than_its_column_is_refused(int over, bool loads)
    {
        // A valid semantic version padded with a pre-release label to the column's width (plus over).
        var version = "1.0.0-" + new string('a', ColumnLimits.RuleSetVersion - "1.0.0-".Length + over);
        _rules.Manifest["version"] = version;

        var error = Record.Exception(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Equal(loads, error is null);
        Assert.True(loads || error is RuleSetValidationException ex && ex.Errors.Any(e => e.File == "manifest.json" && e.Message.StartsWith("version: ", StringComparison.Ordinal)), error?.Message);
    }
}

using Aims.Risk.Core.Rules;
using Aims.Risk.Tests.Support;

namespace Aims.Risk.Tests.Rules;

/// <summary>Rule expressions come from outside the development team: reflection, the runtime and I/O stay out.</summary>
public sealed class ExpressionGuardTests : IDisposable
{
    private readonly RuleSetBuilder _rules = new();

    public void Dispose() => _rules.Dispose();

    [Theory]
    [InlineData("change.GetType().Assembly != null", "'GetType' is not allowed")]
    [InlineData("change.System.Name.GetType().Name == \"x\"", "'GetType' is not allowed")]
    [InlineData("typeof(string).Name == \"String\"", "'typeof' is not allowed")]
    [InlineData("Type.GetType(\"System.IO.File\") != null", "'Type' is not allowed")]
    [InlineData("Activator.CreateInstance(\"x\", \"y\") != null", "'Activator' is not allowed")]
    [InlineData("Environment.GetEnvironmentVariable(\"PATH\") != null", "'Environment' is not allowed")]
    [InlineData("AppDomain.CurrentDomain != null", "'AppDomain' is not allowed")]
    [InlineData("System.IO.File.Exists(\"/etc/passwd\")", "is not allowed")]
    [InlineData("@System.IO.File.ReadAllText(\"/etc/passwd\") != \"\"", "is not allowed")]
    [InlineData("System.Diagnostics.Process.Start(\"sh\") != null", "is not allowed")]
    [InlineData("System.Net.Dns.GetHostName() != \"\"", "is not allowed")]
    [InlineData("change.System.Name.PadLeft(1000000000) != \"\"", "calls String.PadLeft")]
    [InlineData("Enumerable.Range(0, 2147483647).Count() > 0", "calls Enumerable.Range")]
    [InlineData("Enumerable.Repeat(change, 100000000).Count() > 0", "calls Enumerable.Repeat")]
    [InlineData("change.Datasets.ToList().Count > 0", "calls Enumerable.ToList")]
    [InlineData("string.Join(\",\", change.Datasets) != \"\"", "calls String.Join")]
    [InlineData("Int32.Parse(\"1\") == 1", "calls Int32.Parse")]
    [InlineData("DateTime.Now.Year > 2000", "reads the static member DateTime.Now")]
    [InlineData("change.EventId.ToString() == \"\"", "calls Object.ToString")]
    public void Hostile_expression_is_refused_naming_the_rule(string expression, string reason)
    {
        _rules.RuleAt("privacy.json", 0)["Expression"] = expression;

        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("PRIV-001", error.RuleId);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlong_expression_is_refused()
    {
        _rules.RuleAt("privacy.json", 0)["Expression"] = string.Join(" || ", Enumerable.Repeat("change.Source == \"x\"", 400));

        var ex = Assert.Throws<RuleSetValidationException>(() => RuleSetLoader.Load(_rules.Write()));

        Assert.Contains("the limit is 4000", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("change.Datasets.Any(d => d.ContainsPersonalData == true && d.ConsentBasis == null)")]
    [InlineData("change.Model.Metrics.PreviousAccuracy - change.Model.Metrics.Accuracy > 0.05")]
    [InlineData("change.System.Exposure == \"Public\" && change.System.Autonomy != \"HumanInTheLoop\"")]
    [InlineData("change.ChangeType == \"ModelDeployed\" && change.Security.ArtifactSigned != true")]
    [InlineData("change.Attributes.ContainsKey(\"dpia\") && change.Attributes[\"dpia\"].Flag == true")]
    [InlineData("change.System.Name.ToLower().Contains(\"chat\") && change.Source.StartsWith(\"mlflow\")")]
    [InlineData("change.Datasets.Count(d => d.Region != \"EU\") >= 1 || string.IsNullOrWhiteSpace(change.Model.Licence)")]
    [InlineData("change.System.Id in (\"a\", \"b\") || Math.Abs(change.Model.Metrics.FairnessGap ?? 0) > 0.1")]
    [InlineData("change.Security.CriticalVulnerabilities > 0 && change.Datasets.Select(d => d.Name).Contains(\"x\")")]
    [InlineData("iif(change.System.AffectsIndividuals == true, 1, 0) == 1")]
    public void Ordinary_rule_expression_is_allowed(string expression)
    {
        _rules.RuleAt("privacy.json", 0)["Expression"] = expression;

        var ruleSet = RuleSetLoader.Load(_rules.Write());

        Assert.Equal(expression, ruleSet.Rules[0].Definition.Expression);
    }
}

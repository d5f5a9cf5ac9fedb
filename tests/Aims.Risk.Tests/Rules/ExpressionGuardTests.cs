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

    // Case-insensitive parsing: the text check is case-sensitive, the tree check catches what it misses.
    [InlineData("change.gettype() != null", "produces a value of type Type")]
    [InlineData("change.System.Name.GETTYPE().Assembly != null", "'Assembly' is not allowed")]
    [InlineData("SYSTEM.IO.File.Exists(\"/etc/passwd\")", "'IO' is not allowed")]
    [InlineData("system.io.file.exists(\"x\")", "does not compile")]
    [InlineData("TYPEOF(string) != null", "does not compile")]

    // Reflection, type loading, processes, files and the network by other routes.
    [InlineData("change.Datasets.GetType() != null", "'GetType' is not allowed")]
    [InlineData("Type.GetType(\"System.Diagnostics.Process\").GetMethods().Length > 0", "'Type' is not allowed")]
    [InlineData("System.Reflection.Assembly.Load(\"x\") != null", "is not allowed")]
    [InlineData("System.Runtime.InteropServices.Marshal.AllocHGlobal(1000000000) != null", "is not allowed")]
    [InlineData("System.Threading.Thread.Sleep(100000) == null", "is not allowed")]
    [InlineData("System.Threading.Tasks.Task.Delay(100000) != null", "is not allowed")]
    [InlineData("GC.Collect() == null", "'GC' is not allowed")]
    [InlineData("Console.ReadLine() != \"\"", "'Console' is not allowed")]
    [InlineData("System.IO.Directory.GetFiles(\"/\").Length > 0", "is not allowed")]
    [InlineData("new System.Net.WebClient() != null", "is not allowed")]
    [InlineData("System.Net.Http.HttpClient() != null", "is not allowed")]
    [InlineData("change.EqualityContract != null", "does not compile")]
    [InlineData("change.Datasets.Select(d => d).GetEnumerator() != null", "does not compile")]
    [InlineData("Enum.GetNames(change.System.Exposure) != null", "does not compile")]

    // Static members and methods of the contract's own types (CustomTypes makes their names visible).
    [InlineData("ContractJson.Options != null", "produces a value of type JsonSerializerOptions")]
    [InlineData("AttributeValue.Of(\"x\") != null", "calls AttributeValue.Of")]
    [InlineData("AttributeValue(\"x\") != null", "does not compile")]

    // Object and array creation.
    [InlineData("change.Datasets.Select(d => new AiSystem()).Any()", "creates objects")]
    [InlineData("new[] { change.Source, change.System.Purpose }.Any(s => s == \"x\")", "creates objects")]
    [InlineData("new[] { change.Source }.Select(s => s).Any()", "creates objects")]
    [InlineData("change.Datasets.Select(d => new { d.Name }).Any()", "does not compile")]
    [InlineData("string(\"x\", 100000000) != \"\"", "does not compile")]

    // Conversions, type tests and methods that are not on the list.
    [InlineData("(change as object) != null", "does not compile")]
    [InlineData("change is AiSystemChanged", "does not compile")]
    [InlineData("change.System.Exposure.ToString() == \"Public\"", "calls Object.ToString")]
    [InlineData("change.Attributes[\"x\"].ToString() == \"\"", "calls Object.ToString")]
    [InlineData("change.Source.Clone() != null", "calls String.Clone")]
    [InlineData("Convert.ToInt32(\"1\") == 1", "calls Convert.ToInt32")]
    [InlineData("Int32.Parse(change.Source) > 0", "calls Int32.Parse")]
    [InlineData("DateTimeOffset.UtcNow > change.OccurredAt", "reads the static member DateTimeOffset.UtcNow")]
    [InlineData("Guid.NewGuid() != change.EventId", "calls Guid.NewGuid")]
    [InlineData("Math.Pow(10, 300) > 0", "calls Math.Pow")]
    [InlineData("change.OccurredAt.ToString(\"yyyy\") == \"2026\"", "calls DateTimeOffset.ToString")]

    // Huge allocations: padding, repetition, ranges, copies, splits and sequences turned into strings or lists.
    [InlineData("change.Source.PadRight(100000000) != \"\"", "calls String.PadRight")]
    [InlineData("change.Source.Replace(\"a\", \"bbbbbbbbbb\") != \"\"", "calls String.Replace")]
    [InlineData("change.Source.Split(\",\").Any()", "calls String.Split")]
    [InlineData("change.Source.ToCharArray().Any()", "produces a value of type Char[]")]
    [InlineData("string.Format(\"{0}\", change.Source) != \"\"", "calls String.Format")]
    [InlineData("change.Datasets.ToArray() != null", "calls Enumerable.ToArray")]
    [InlineData("change.Datasets.Aggregate(\"\", (acc, d) => acc + d.Name) != \"\"", "does not compile")]
    [InlineData("change.Datasets.SelectMany(d => change.Datasets).Any()", "calls Enumerable.SelectMany")]
    [InlineData("change.Datasets.Join(change.Datasets, a => a.Name, b => b.Name, (a, b) => a).Any()", "does not compile")]
    [InlineData("change.Datasets.GroupBy(d => d.Name).Any()", "which rule expressions may not use")]
    [InlineData("change.Datasets.OrderBy(d => d.Name).Any()", "calls Enumerable.OrderBy")]
    [InlineData("change.Datasets.Concat(change.Datasets).Any()", "calls Enumerable.Concat")]
    [InlineData("change.Datasets.Zip(change.Datasets).Any()", "does not compile")]
    [InlineData("change.Datasets.Reverse().Any()", "calls Enumerable.Reverse")]
    [InlineData("change.Datasets.AsQueryable().Any()", "does not compile")]
    [InlineData("change.Datasets.Cast<object>().Any()", "does not compile")]
    [InlineData("string.Concat(change.Datasets.Select(d => d.Name)) != \"\"", "joins a sequence into one string")]
    [InlineData("string.Concat(change.Datasets.Select(a => string.Concat(change.Datasets.Select(b => change.System.Purpose)))).Length > 0", "joins a sequence into one string")]

    // Text grown inside lambdas: Select(s => s + s) doubles at each step, so a few steps exhaust memory.
    [InlineData("change.Datasets.Select(d => d.Name).Select(s => s + s).Select(s => s + s).Select(s => s + s).Any(s => s.Length > 0)", "joins strings inside a lambda")]
    [InlineData("change.Datasets.Select(d => string.Concat(d.Name, d.Name)).Any()", "joins strings inside a lambda")]
    [InlineData("change.Datasets.Sum(a => (change.System.Purpose + change.System.Purpose).Length) > 0", "joins strings inside a lambda")]

    // Cartesian explosions: three nested lambdas over 1,000 datasets are a billion steps.
    [InlineData("change.Datasets.Sum(a => change.Datasets.Sum(b => change.Datasets.Count(c => c.Name == b.Name))) > 0", "nests lambdas 3 deep; the limit is 2")]
    [InlineData("change.Datasets.Any(d => d.Name.Length == change.Datasets.Count(e => e.Name.Length == change.Datasets.Count(f => f.Name == \"x\")))", "nests lambdas 3 deep")]
    [InlineData("change.Datasets.Select(d => change.Datasets.Select(e => change.Datasets.Select(f => f.Name))).Any()", "nests lambdas 3 deep")]
    [InlineData("change.Attributes.Values.Any(a => change.Datasets.Any(b => change.Attributes.Keys.Any(c => c == b.Name)))", "nests lambdas 3 deep")]
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
    [InlineData("np(change.Model.Metrics.Accuracy, 0) > 0.5")]
    [InlineData("new[] { \"a\", \"b\" }.Contains(change.Source)")]
    [InlineData("change.Datasets.Any(it.Name == \"x\")")]
    [InlineData("change.Datasets.Count(a => change.Datasets.Count(b => b.Name == a.Name) > 1) > 0")]
    [InlineData("change.Attributes.Values.Select(v => v.Text).Any(t => t == \"x\")")]
    [InlineData("(change.System.Name + \" / \" + change.System.Owner).Length > 10")]
    public void Ordinary_rule_expression_is_allowed(string expression)
    {
        _rules.RuleAt("privacy.json", 0)["Expression"] = expression;
        _rules.RuleAt("privacy.json", 0)["Properties"]!["scope"] = "change";

        var ruleSet = RuleSetLoader.Load(_rules.Write());

        Assert.Equal(expression, ruleSet.Rules[0].Definition.Expression);
    }
}

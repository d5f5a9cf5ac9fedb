using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// A validated, compiled rule set: immutable, safe to share between threads, swapped whole on reload.
/// </summary>
public sealed class RuleSet
{
    internal RuleSet(string directory, RuleSetManifest manifest, RiskCriteria criteria, IReadOnlyList<CompiledRule> rules, string hash, string content)
    {
        Directory = directory;
        Manifest = manifest;
        Criteria = criteria;
        Rules = rules;
        Hash = hash;
        Content = content;
        Index = RuleIndex.Build(rules);
    }

    public string Directory { get; }

    public RuleSetManifest Manifest { get; }

    public string Version => Manifest.Version;

    /// <summary>SHA-256 (lower-case hex) of the manifest, the criteria and the workflow files.</summary>
    public string Hash { get; }

    /// <summary>The full content of those files, as JSON (file name → text), archived for auditors.</summary>
    public string Content { get; }

    public RiskCriteria Criteria { get; }

    /// <summary>Enabled rules in manifest order: workflow files in order, rules in file order.</summary>
    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>From an event's features to the rules that can fire on it (bit <c>i</c> is <c>Rules[i]</c>), built at load.</summary>
    public RuleIndex Index { get; }

    /// <summary>The same rules as RulesEngine workflows, one per category (for RulesEngine's own evaluation).</summary>
    public IReadOnlyList<RulesEngine.Models.Workflow> ToRulesEngineWorkflows() =>
        [.. Rules.GroupBy(r => r.Definition.Category).Select(g => new RulesEngine.Models.Workflow
        {
            WorkflowName = g.Key,
            Rules = [.. g.Select(r => new RulesEngine.Models.Rule
            {
                RuleName = r.Definition.Id,
                Expression = r.Definition.Expression,
                RuleExpressionType = RulesEngine.Models.RuleExpressionType.LambdaExpression,
            })],
        })];

    public override string ToString() => $"{Manifest.Name} {Version} ({Hash[..12]}, {Rules.Count} rules)";
}

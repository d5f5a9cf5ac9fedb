namespace Aims.Risk.Core.Rules;

/// <summary>
/// Loading is validation: a rule set loads only when every file matches its schema, every expression
/// compiles against the contract and passes the guard, ids are unique, scores are in range, every
/// control id exists, the manifest is valid and the grid is complete. All errors are reported at once.
/// The work is shared out: <see cref="RuleSetFolder"/> reads the files safely, <see cref="RuleSetManifestReader"/>
/// the manifest and its version, <see cref="RiskCriteriaReader"/> the criteria, <see cref="WorkflowReader"/> the
/// workflows and their rules, and <see cref="RuleCompilation"/> compiles each rule's expressions.
/// </summary>
public static class RuleSetLoader
{
    public const string ManifestFile = "manifest.json";

    /// <summary>The categories of the rule format (docs/rules.md); each workflow is one of them.</summary>
    public static readonly IReadOnlyList<string> Categories = ["ethics", "security", "privacy", "robustness"];

    /// <summary>Loads and validates the rule set in <paramref name="directory"/>.</summary>
    /// <exception cref="RuleSetValidationException">Anything is wrong; <see cref="RuleSetValidationException.Errors"/> lists it all.</exception>
    /// <param name="directory">The rule set folder.</param>
    /// <param name="maxRules">The most enabled rules accepted (<see cref="RulesOptions.MaxRules"/>).</param>
    public static RuleSet Load(string directory, int maxRules = RulesOptions.DefaultMaxRules)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var root = Path.GetFullPath(directory);
        var errors = new List<RuleSetError>();
        var folder = new RuleSetFolder(root, errors, RuleSetFolder.MaxFileBytesFor(maxRules));

        if (!System.IO.Directory.Exists(root))
        {
            throw new RuleSetValidationException(directory, [new RuleSetError(directory, null, "the rule set folder does not exist")]);
        }

        var manifest = RuleSetManifestReader.Read(folder, errors);
        RiskCriteria? criteria = null;
        var rules = new List<CompiledRule>();
        if (manifest is not null)
        {
            criteria = RiskCriteriaReader.Read(folder, manifest.Criteria, errors);
            var workflows = new WorkflowReader(folder, criteria, new RuleCompilation(new RuleExpressionCompiler(), errors), errors);
            foreach (var workflowFile in manifest.Workflows)
            {
                workflows.Read(workflowFile);
            }

            rules = workflows.CompiledRules;
            if (rules.Count == 0 && errors.Count == 0)
            {
                errors.Add(new RuleSetError(ManifestFile, null, "the rule set has no enabled rules"));
            }
            else if (rules.Count > maxRules)
            {
                errors.Add(new RuleSetError(ManifestFile, null, $"the rule set has {rules.Count} enabled rules; the limit is {maxRules} ({RulesOptions.SectionName}:{nameof(RulesOptions.MaxRules)})"));
            }
        }

        if (errors.Count > 0 || manifest is null || criteria is null)
        {
            throw new RuleSetValidationException(directory, RuleSetFolder.WithoutRepeatedSchemaErrors(errors));
        }

        var (hash, content) = folder.Fingerprint();
        return new RuleSet(root, manifest, criteria, rules, hash, content);
    }
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Risks;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Impact;

/// <summary>
/// A submitted impact assessment as evidence that an event lacks. The rule that asks for an AI system impact
/// assessment (ETH-004 in the shipped pack) reads the attribute <c>impactAssessmentCompleted</c>. When an event does not
/// carry it and the system's current assessment (its latest submitted version) assesses the event's intended use, the
/// attribute is added (<c>true</c>) with <c>impactAssessmentId</c> (the submission) before the event is evaluated, and
/// the input is stored so: evaluation stays a function of the stored input and the rule set, and a re-assessment or
/// <c>rules diff</c> of that input gives the same result. An event that carries the attribute keeps its publisher's word.
/// </summary>
public static class ImpactAssessmentEvidence
{
    public const string CompletedAttribute = "impactAssessmentCompleted";

    public const string IdAttribute = "impactAssessmentId";

    private static readonly string ReadsCompleted = $"Attributes[\"{CompletedAttribute}\"]";

    /// <summary>Per rule set, the rules that read the attribute: found once, since every event asks.</summary>
    private static readonly ConditionalWeakTable<RuleSet, HashSet<string>> Readers = new();

    /// <summary>
    /// Whether the assessment assesses the intended use the event declares: the same system and the same purpose, with
    /// letter case and runs of white space ignored. An event that declares no purpose is covered by none.
    /// </summary>
    public static bool Covers(ImpactAssessmentRecord assessment, AiSystemChanged change)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(change);
        return string.Equals(assessment.SystemId, change.System.Id, StringComparison.Ordinal)
            && change.System.Purpose is { } purpose
            && string.Equals(SamePurpose(assessment.Purpose), SamePurpose(purpose), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The purpose as it is compared: trimmed, each run of white space one space.</summary>
    public static string SamePurpose(string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return string.Join(' ', purpose.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// The event with the assessment's evidence added, or null when there is nothing to add: no assessment, one that
    /// does not cover the event's intended use, or an event that says itself whether an assessment was completed.
    /// </summary>
    public static AiSystemChanged? Enrich(AiSystemChanged change, ImpactAssessmentRecord? current)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (current is null || !Covers(current, change)
            || change.Attributes is { } present && (present.ContainsKey(CompletedAttribute) || present.ContainsKey(IdAttribute)))
        {
            return null;
        }

        var attributes = new Dictionary<string, AttributeValue>(change.Attributes ?? new Dictionary<string, AttributeValue>(), StringComparer.Ordinal)
        {
            [CompletedAttribute] = AttributeValue.Of(true),
            [IdAttribute] = AttributeValue.Of(current.AssessmentId.ToString("D")),
        };
        return change with { Attributes = attributes };
    }

    /// <summary>Whether the register's evidence could change the assessment: a rule that reads the attribute fired on an event silent about it.</summary>
    public static bool CouldChange(EventAssessment assessment, RuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(ruleSet);
        if (assessment.Findings.Count == 0 || assessment.Change.Attributes?.ContainsKey(CompletedAttribute) == true)
        {
            return false;
        }

        var readers = Readers.GetValue(ruleSet, rules => [.. rules.Rules.Where(ReadsEvidence).Select(r => r.Definition.Id)]);
        return readers.Count > 0 && assessment.Findings.Any(f => readers.Contains(f.RuleId));
    }

    /// <summary>Whether a rule's expression reads the attribute <c>impactAssessmentCompleted</c>.</summary>
    public static bool ReadsEvidence(CompiledRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Evidence.Any(p => p.StartsWith(ReadsCompleted, StringComparison.Ordinal));
    }

    /// <summary>
    /// Evaluates an event with what the register knows of the system's impact assessment. Costs nothing more unless a
    /// rule that reads the attribute fires and the system has a submitted assessment. An event recorded before (a
    /// redelivery, a re-assessment message delivered again) keeps the input it was first assessed with, so that it is
    /// recognised as the same event even when a submission came in between.
    /// </summary>
    public static async Task<EventAssessment> EvaluateAsync(
        RiskEvaluator evaluator, IRiskRegister register, AiSystemChanged change, RuleSet ruleSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(register);
        var assessment = evaluator.Evaluate(change, ruleSet);
        if (!CouldChange(assessment, ruleSet))
        {
            return assessment;
        }

        // Submissions are never removed: with none now, none was there when the event may have been assessed before.
        var current = await register.FindCurrentImpactAssessmentAsync(change.System.Id, cancellationToken);
        if (current is null)
        {
            return assessment;
        }

        var input = Enrich(change, current);
        var payload = RegisterMapping.CanonicalPayload(change);
        if (await register.FindAssessmentAsync(change.EventId, cancellationToken) is { } recorded)
        {
            // A payload that is neither form of this event is a reused event id: the register refuses it as such.
            var earlier = JsonSerializer.Deserialize<AiSystemChanged>(recorded.Payload, ContractJson.Options)!;
            input = recorded.Payload != payload && Comparable(WithoutRegisterEvidence(earlier)) == Comparable(change) ? earlier : null;
        }

        return input is null ? assessment : evaluator.Evaluate(input, ruleSet);
    }

    /// <summary>The event as its publisher sent it: the attributes <see cref="Enrich"/> adds, removed (it adds both or none).</summary>
    internal static AiSystemChanged WithoutRegisterEvidence(AiSystemChanged change)
    {
        if (change.Attributes is not { } attributes || !attributes.ContainsKey(IdAttribute) || !attributes.ContainsKey(CompletedAttribute))
        {
            return change;
        }

        return change with { Attributes = attributes.Where(a => a.Key is not (CompletedAttribute or IdAttribute)).ToDictionary(StringComparer.Ordinal) };
    }

    /// <summary>The canonical payload, where no attributes and an empty set of them are the same.</summary>
    private static string Comparable(AiSystemChanged change) =>
        RegisterMapping.CanonicalPayload(change.Attributes is { Count: 0 } ? change with { Attributes = null } : change);
}

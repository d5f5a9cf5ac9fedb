namespace Aims.Risk.Core.Rules;

/// <summary>One thing wrong with a rule set: the file, the rule (when one is to blame) and what is wrong.</summary>
public sealed record RuleSetError(string File, string? RuleId, string Message)
{
    public override string ToString() => RuleId is null ? $"{File}: {Message}" : $"{File}: {RuleId}: {Message}";
}

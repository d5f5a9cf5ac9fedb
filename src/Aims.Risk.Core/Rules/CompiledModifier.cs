using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>A <see cref="RuleModifier"/> with its condition compiled once, at load time.</summary>
internal sealed class CompiledModifier(RuleModifier definition, Func<AiSystemChanged, bool> condition)
{
    public RuleModifier Definition { get; } = definition;

    /// <summary><see cref="RuleModifier.Describe"/>, built once: it goes on every finding the modifier raises.</summary>
    public string Description { get; } = definition.Describe();

    public bool Applies(AiSystemChanged normalized) => condition(normalized);
}

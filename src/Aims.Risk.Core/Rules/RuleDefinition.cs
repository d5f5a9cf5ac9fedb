using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>A rule as written in a workflow file, with its scoring metadata from <c>Properties</c>.</summary>
public sealed record RuleDefinition
{
    public required string Id { get; init; }

    public required string Category { get; init; }

    public required string Title { get; init; }

    public required string Expression { get; init; }

    public required int Likelihood { get; init; }

    public required int Impact { get; init; }

    public required Treatment Treatment { get; init; }

    public required IReadOnlyList<string> Controls { get; init; }

    public IReadOnlyList<string> Nist { get; init; } = [];

    public string? MitDomain { get; init; }

    public required string Rationale { get; init; }

    /// <summary>Whether a later event in which the rule no longer fires resolves its risk (see <see cref="RuleScope"/>).</summary>
    public required RuleScope Scope { get; init; }

    /// <summary>What the owner should do and what evidence closes the risk; travels on the task.</summary>
    public required string Guidance { get; init; }

    /// <summary>Contexts that raise a finding's likelihood or impact above <see cref="Likelihood"/> and <see cref="Impact"/>, in order.</summary>
    public IReadOnlyList<RuleModifier> Modifiers { get; init; } = [];

    /// <summary>The workflow file the rule came from, relative to the rule set folder.</summary>
    public required string File { get; init; }
}

namespace Aims.Risk.Core.Sources;

/// <summary>The changes an event maps to, or, for an event type that means no change to assess, why it is ignored.</summary>
public sealed record MappingResult(IReadOnlyList<PlatformChange> Changes, string? Ignored)
{
    public static MappingResult Of(params PlatformChange[] changes) => new(changes, null);

    public static MappingResult Ignore(string reason) => new([], reason);
}

namespace Aims.Risk.Core.Storage;

/// <summary>One row of <c>RuleSetVersions</c>: an activated rule set with its full content.</summary>
public sealed record RuleSetArchive(string Version, string Hash, string Content, DateTimeOffset ActivatedAt);

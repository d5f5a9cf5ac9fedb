namespace Aims.Risk.Core.Storage;

/// <summary>
/// The key of a system's latest assessment, without its input: what a re-assessment run needs to enqueue the system
/// (the consumer reads the input itself, one system at a time).
/// </summary>
public sealed record LatestAssessment(string SystemId, Guid EventId, DateTimeOffset AssessedAt, string RuleSetHash);

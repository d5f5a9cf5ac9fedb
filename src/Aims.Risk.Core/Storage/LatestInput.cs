namespace Aims.Risk.Core.Storage;

/// <summary>A system's latest assessment as its input: the event it assessed, as stored (canonical JSON).</summary>
public sealed record LatestInput(string SystemId, Guid EventId, DateTimeOffset AssessedAt, string RuleSetVersion, string RuleSetHash, string Payload);

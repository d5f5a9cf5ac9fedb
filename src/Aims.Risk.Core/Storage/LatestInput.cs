using System.Text;

namespace Aims.Risk.Core.Storage;

/// <summary>A system's latest assessment as its input: the event it assessed, as stored (canonical JSON).</summary>
/// <param name="Utf8Payload">The stored JSON as UTF-8, as SQLite holds it: read without a string in between.</param>
public sealed record LatestInput(string SystemId, Guid EventId, DateTimeOffset AssessedAt, string RuleSetVersion, string RuleSetHash, ReadOnlyMemory<byte> Utf8Payload)
{
    public LatestInput(string systemId, Guid eventId, DateTimeOffset assessedAt, string ruleSetVersion, string ruleSetHash, string payload)
        : this(systemId, eventId, assessedAt, ruleSetVersion, ruleSetHash, Encoding.UTF8.GetBytes(payload))
    {
    }

    /// <summary>The stored JSON as text.</summary>
    public string Payload => Encoding.UTF8.GetString(Utf8Payload.Span);
}

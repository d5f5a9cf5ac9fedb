using System.Security.Cryptography;
using System.Text;

namespace Aims.Risk.Core.Scoring;

/// <summary>
/// Treatment task ids are name-based UUIDs (RFC 9562 version 5) of the event id and the rule id, so a
/// redelivered or replayed event republishes the same task id and risk owners can deduplicate.
/// </summary>
public static class TaskIds
{
    /// <summary>The namespace of Aims.Risk task ids (a fixed random UUID; never change it).</summary>
    public static readonly Guid Namespace = new("6f1c2d9e-3b7a-4c55-9e1f-2a8d4b6c0e71");

    /// <summary>UUIDv5(namespace, "&lt;eventId&gt;/&lt;ruleId&gt;").</summary>
    public static Guid For(Guid eventId, string ruleId)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        return NameBased($"{eventId:D}/{ruleId}");
    }

    /// <summary>UUIDv5(namespace, name): the same name always gives the same id.</summary>
    public static Guid NameBased(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = new byte[16 + Encoding.UTF8.GetByteCount(name)];
        Namespace.TryWriteBytes(bytes, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, bytes.AsSpan(16));
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 9562 version 5 is defined with SHA-1; this is an id, not a security boundary.
        SHA1.HashData(bytes, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}

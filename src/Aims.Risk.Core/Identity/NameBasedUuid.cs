using System.Security.Cryptography;
using System.Text;

namespace Aims.Risk.Core.Identity;

/// <summary>
/// Name-based UUIDs (RFC 9562 version 5): the same namespace and name always give the same id, so whatever is
/// derived from a redelivered or retried input (a task id, an event id of a platform delivery) is a duplicate.
/// </summary>
public static class NameBasedUuid
{
    /// <summary>Names up to this many UTF-8 bytes are hashed from the stack.</summary>
    private const int MaxStackName = 240;

    /// <summary>UUIDv5(<paramref name="namespaceId"/>, UTF-8 of <paramref name="name"/>).</summary>
    public static Guid Create(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var length = Encoding.UTF8.GetByteCount(name);
        var utf8 = length <= MaxStackName ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(name, utf8);
        return Create(namespaceId, utf8);
    }

    /// <summary>UUIDv5(<paramref name="namespaceId"/>, <paramref name="utf8Name"/>); allocates nothing for a short name.</summary>
    public static Guid Create(Guid namespaceId, ReadOnlySpan<byte> utf8Name)
    {
        var length = 16 + utf8Name.Length;
        var bytes = length <= 16 + MaxStackName ? stackalloc byte[length] : new byte[length];
        namespaceId.TryWriteBytes(bytes, bigEndian: true, out _);
        utf8Name.CopyTo(bytes[16..]);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 9562 version 5 is defined with SHA-1; this is an id, not a security boundary.
        SHA1.HashData(bytes, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}

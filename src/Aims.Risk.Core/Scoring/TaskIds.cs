using System.Text;
using Aims.Risk.Core.Identity;

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

        // "<eventId>/<ruleId>" in UTF-8, written on the stack: one per finding that needs treatment, so no string for it.
        Span<byte> name = stackalloc byte[37 + Encoding.UTF8.GetMaxByteCount(Math.Min(ruleId.Length, 64))];
        if (ruleId.Length > 64 || !eventId.TryFormat(name, out var written, "D"))
        {
            return NameBased($"{eventId:D}/{ruleId}");
        }

        name[written++] = (byte)'/';
        written += Encoding.UTF8.GetBytes(ruleId, name[written..]);
        return NameBasedUuid.Create(Namespace, name[..written]);
    }

    /// <summary>UUIDv5(namespace, name): the same name always gives the same id.</summary>
    public static Guid NameBased(string name) => NameBasedUuid.Create(Namespace, name);
}

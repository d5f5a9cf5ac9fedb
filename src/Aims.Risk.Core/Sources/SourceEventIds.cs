using Aims.Risk.Core.Identity;

namespace Aims.Risk.Core.Sources;

/// <summary>
/// The <c>eventId</c> of a platform event: a name-based UUID of the platform's own delivery or event id, so a
/// platform's retry of the same delivery is a duplicate in the register, never a second assessment.
/// </summary>
public static class SourceEventIds
{
    /// <summary>The namespace of event ids derived from platform ids (a fixed random UUID; never change it).</summary>
    public static readonly Guid Namespace = new("3d0f4b8a-92c6-4e1b-b7a5-58e2c9f1a6d4");

    /// <summary>UUIDv5(namespace, "&lt;scope&gt;/&lt;id&gt;"): scope is the platform, or a CloudEvent's source.</summary>
    public static Guid For(string scope, string id)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(id);
        return NameBasedUuid.Create(Namespace, $"{scope}/{id}");
    }
}

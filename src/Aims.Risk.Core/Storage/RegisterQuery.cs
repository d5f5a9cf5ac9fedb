using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Storage;

/// <summary>Filters for reading the register; null means any.</summary>
public sealed record RegisterQuery
{
    public string? SystemId { get; init; }

    /// <summary>Entries at or above this level.</summary>
    public RiskLevel? MinimumLevel { get; init; }

    public Guid? EventId { get; init; }

    public int Limit { get; init; } = 10_000;

    /// <summary>
    /// Told of each stored entry row this version cannot read (a value a newer version wrote), which is then left out;
    /// without it such a row fails the whole read with <see cref="InvalidDataException"/>.
    /// </summary>
    public Action<UnreadableRow>? OnUnreadableRow { get; init; }
}

using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Storage;

/// <summary>Filters for reading <c>Risks</c>; null means any.</summary>
public sealed record RiskQuery
{
    public string? SystemId { get; init; }

    public RiskStatus? Status { get; init; }

    /// <summary>Risks at or above this inherent level.</summary>
    public RiskLevel? MinimumLevel { get; init; }

    public int Limit { get; init; } = 10_000;

    /// <summary>
    /// Told of each stored risk row this version cannot read (a value a newer version wrote), which is then left out;
    /// without it such a row fails the whole read with <see cref="InvalidDataException"/>.
    /// </summary>
    public Action<UnreadableRow>? OnUnreadableRow { get; init; }
}

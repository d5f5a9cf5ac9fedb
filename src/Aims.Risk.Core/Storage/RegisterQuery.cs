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
}

namespace Aims.Risk.Contracts;

public sealed record DatasetInfo
{
    public string? Name { get; init; }

    public bool? ContainsPersonalData { get; init; }

    public bool? SpecialCategoryData { get; init; }

    /// <summary>The lawful basis for processing personal data; null means none recorded.</summary>
    public string? ConsentBasis { get; init; }

    public bool? ProvenanceDocumented { get; init; }

    public string? Licence { get; init; }

    public string? Region { get; init; }
}

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

    /// <summary>The GDPR Art. 9(2) condition for special-category data (e.g. explicit consent, 9(2)(h) health care); null means none recorded.</summary>
    public string? SpecialCategoryCondition { get; init; }

    /// <summary>Direct identifiers are replaced or removed before use (GDPR Art. 4(5)).</summary>
    public bool? Pseudonymised { get; init; }

    public DataOrigin? Origin { get; init; }

    /// <summary>The content was checked against tampering and poisoning (pinned hashes, outlier and backdoor screening).</summary>
    public bool? IntegrityVerified { get; init; }

    /// <summary>The rights to train on the content are cleared: a licence, or the text-and-data-mining exception with opt-outs honoured.</summary>
    public bool? CopyrightCleared { get; init; }
}

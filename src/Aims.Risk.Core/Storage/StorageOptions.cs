using System.ComponentModel.DataAnnotations;

namespace Aims.Risk.Core.Storage;

/// <summary>Section <c>Storage</c>; the connection string is <c>ConnectionStrings:RiskRegister</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    [Required]
    [EnumDataType(typeof(StorageProvider))]
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Apply pending schema scripts at start-up (else run <c>aims-risk db migrate</c>).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

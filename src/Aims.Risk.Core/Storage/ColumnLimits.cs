namespace Aims.Risk.Core.Storage;

/// <summary>
/// The widths of the register's text columns (SQL Server's <c>nvarchar(n)</c>; SQLite's TEXT is unbounded), in
/// UTF-16 code units as <see cref="string.Length"/> counts them. Values are checked against them where they enter
/// (the rule loader, the event validator), so a long value is refused with its name rather than failing the
/// insert with error 2628 (string or binary data would be truncated). A test compares every <c>nvarchar(n)</c>
/// of the SQL Server scripts with these constants, by column name.
/// </summary>
public static class ColumnLimits
{
    /// <summary>The system's id (<c>system.id</c>); the event validator allows fewer.</summary>
    public const int SystemId = 256;

    /// <summary>The name of a <c>ChangeType</c> value.</summary>
    public const int ChangeType = 64;

    /// <summary>The manifest's version; the column <c>RuleSetVersions.Version</c> too.</summary>
    public const int RuleSetVersion = 64;

    /// <summary>The rule set's SHA-256 in hex (64 characters); the column <c>RuleSetVersions.Hash</c> too.</summary>
    public const int RuleSetHash = 128;

    /// <summary>A rule's <c>RuleName</c>; the loader's pattern allows 9 characters.</summary>
    public const int RuleId = 128;

    /// <summary>A rule category, one of the loader's fixed list.</summary>
    public const int Category = 64;

    /// <summary>A rule's <c>title</c>.</summary>
    public const int Title = 400;

    /// <summary>The name of a <c>RiskLevel</c> value.</summary>
    public const int Level = 16;

    /// <summary>The name of a <c>Treatment</c> value.</summary>
    public const int Treatment = 16;

    /// <summary>The name of a <c>RiskEntryStatus</c> value.</summary>
    public const int Status = 32;

    /// <summary>A rule's Annex A control ids joined with commas (all 38 together are shorter).</summary>
    public const int Controls = 1000;

    /// <summary>A rule's NIST AI RMF ids joined with commas.</summary>
    public const int Nist = 1000;

    /// <summary>A rule's MIT AI Risk Repository domain id.</summary>
    public const int MitDomain = 16;

    /// <summary>A risk's owner (<c>system.owner</c>; the event validator allows fewer).</summary>
    public const int Owner = 256;

    /// <summary>Who made a transition, and who accepted a risk (<c>AcceptedBy</c>).</summary>
    public const int Actor = 256;

    /// <summary>Why a transition happened, with an owner's comment and evidence.</summary>
    public const int Reason = 2000;

    /// <summary>The type name of an outbox message.</summary>
    public const int MessageType = 64;

    /// <summary>A re-assessment run's unique key (<c>activation:&lt;hash&gt;</c>, <c>interval:&lt;hash&gt;:&lt;day&gt;</c>, <c>demand:&lt;id&gt;</c>).</summary>
    public const int RunKey = 200;

    /// <summary>Why a re-assessment run was made: <c>activation</c>, <c>interval</c> or <c>demand</c>.</summary>
    public const int RunReason = 32;

    /// <summary>The model version an impact assessment was made for (<c>model.version</c>; the event validator allows fewer).</summary>
    public const int ModelVersion = 256;

    /// <summary>The format of a submitted impact assessment: <c>md</c> or <c>json</c>.</summary>
    public const int ContentFormat = 8;

    /// <summary>A submitted document's SHA-256 in hex (64 characters), as wide as <see cref="RuleSetHash"/>.</summary>
    public const int ContentHash = 128;
}

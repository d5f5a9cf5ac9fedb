using System.Security.Cryptography;
using System.Text;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Core.Impact;

/// <summary>
/// Records an owner's completed impact assessment: checks the file strictly, stores it as the system's next version with
/// its SHA-256, submitter, approver and time, links it to the risks it covers, and resolves those that no longer hold
/// with it (<see cref="ImpactAssessmentResolution"/>), all in one transaction of the register. Their status events go
/// through the outbox, which a running worker publishes.
/// </summary>
public static class ImpactAssessmentSubmitter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The submission as stored, or null with every problem in <paramref name="problems"/> (nothing is stored then).</summary>
    /// <param name="content">The file's bytes, as the owner submits it: they are hashed as they are.</param>
    /// <param name="format"><see cref="ImpactAssessmentReader.Markdown"/> or <see cref="ImpactAssessmentReader.Json"/>.</param>
    /// <param name="ruleSet">The active rule set: it decides which risks the submission resolves.</param>
    public static async Task<ImpactAssessmentSubmission?> SubmitAsync(
        IRiskRegister register,
        RuleSet ruleSet,
        byte[] content,
        string format,
        string systemId,
        string actor,
        string? approvedBy,
        DateTimeOffset now,
        ICollection<string> problems,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(register);
        ArgumentNullException.ThrowIfNull(ruleSet);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(problems);
        var before = problems.Count;
        Person(actor, "--actor", "who submits it", problems);
        if (approvedBy is not null)
        {
            Person(approvedBy, "--approved-by", "who approved it", problems);
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException ex)
        {
            problems.Add($"not UTF-8 text: {ex.Message}");
            return null;
        }

        var document = ImpactAssessmentReader.Read(text.TrimStart('\uFEFF'), format, systemId, DateOnly.FromDateTime(now.UtcDateTime), problems);
        if (document is null)
        {
            return null;
        }

        if (await register.FindAssessmentAsync(document.BasedOnEventId, cancellationToken) is { } basedOn && basedOn.SystemId != systemId)
        {
            problems.Add($"the draft names event {document.BasedOnEventId}, which the register holds for system '{basedOn.SystemId}'");
        }

        if (problems.Count > before)
        {
            return null;
        }

        var record = new ImpactAssessmentRecord
        {
            AssessmentId = Guid.NewGuid(),
            SystemId = document.SystemId,
            Purpose = document.Purpose,
            ModelVersion = document.ModelVersion,
            BasedOnEventId = document.BasedOnEventId,
            RuleSetVersion = document.RuleSetVersion,
            RuleSetHash = document.RuleSetHash,
            ContentFormat = format,
            Content = text,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(content)),
            SubmittedBy = actor.Trim(),
            ApprovedBy = approvedBy?.Trim(),
            SubmittedAt = now,
            ReviewBy = new DateTimeOffset(document.ReviewBy.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
        };
        return await register.SubmitImpactAssessmentAsync(
            record, document.CoveredRuleIds, (stored, risk, payload) => ImpactAssessmentResolution.Decide(stored, risk, payload, ruleSet), cancellationToken);
    }

    private static void Person(string name, string option, string what, ICollection<string> problems)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add($"{option}: missing: {what}");
        }
        else if (name.Trim().Length > ColumnLimits.Actor)
        {
            problems.Add($"{option}: {name.Trim().Length} characters; at most {ColumnLimits.Actor} are kept");
        }
    }
}

using System.Globalization;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Core.Storage;

/// <summary>How record values become column values, shared by both dialects.</summary>
internal static class RegisterValues
{
    private const char ControlSeparator = ',';

    /// <summary>ISO 8601 with milliseconds and a numeric offset, e.g. 2026-11-29T03:51:11.123+00:00.</summary>
    internal const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";

    private static readonly JsonSerializerOptions ErrorJson = new(JsonSerializerDefaults.Web);

    /// <summary>Rule evaluation errors as a JSON array, or null when there were none (the column stays NULL).</summary>
    internal static string? FormatRuleErrors(IReadOnlyList<RuleEvaluationError> errors) =>
        errors.Count == 0 ? null : JsonSerializer.Serialize(errors, ErrorJson);

    /// <summary>None reads as the same empty list a new record has, so records compare equal after a round trip.</summary>
    internal static IReadOnlyList<RuleEvaluationError> ParseRuleErrors(string? json) =>
        string.IsNullOrEmpty(json)
            ? Array.Empty<RuleEvaluationError>()
            : JsonSerializer.Deserialize<RuleEvaluationError[]>(json, ErrorJson) ?? Array.Empty<RuleEvaluationError>();

    internal static string JoinControls(IReadOnlyList<string> controls) => string.Join(ControlSeparator, controls);

    internal static IReadOnlyList<string> SplitControls(string controls) =>
        controls.Length == 0 ? [] : controls.Split(ControlSeparator);

    internal static int Rank(RiskLevel level) => (int)level;

    /// <summary>Exactly one defined name: not a number, not a comma-combined list ("Low, High" parses as High).</summary>
    // Stryker disable once Boolean : equivalent; ignoring case changes nothing, the exact comparison with the name decides
    internal static TEnum ParseName<TEnum>(string name)
        where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(name, ignoreCase: false, out var value) && Enum.IsDefined(value) && string.Equals(value.ToString(), name, StringComparison.Ordinal)
            ? value
            : throw new InvalidDataException($"'{name}' is not a {typeof(TEnum).Name} name");

    /// <summary>Both stores keep milliseconds; cutting here keeps what is returned equal to what is stored.</summary>
    internal static DateTimeOffset ToMilliseconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond), value.Offset);

    /// <summary>SQLite text: UTC so that text order is time order.</summary>
    internal static string FormatTimestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTimestamp(string text) =>
        TryParseUtcTimestamp(text, out var value) ? value : DateTimeOffset.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None);

    /// <summary>
    /// The form <see cref="FormatTimestamp"/> writes, <c>2026-11-29T03:51:11.123+00:00</c>, read without the general
    /// parser (a report reads five per risk); anything else, valid or not, goes to <see cref="DateTimeOffset.ParseExact(string, string, IFormatProvider, DateTimeStyles)"/>.
    /// </summary>
    private static bool TryParseUtcTimestamp(string text, out DateTimeOffset value)
    {
        value = default;
        if (text is not { Length: 29 } || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.'
            || !text.EndsWith("+00:00", StringComparison.Ordinal)
            || !Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second)
            || !Digits(text, 20, 3, out var millisecond)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);

        // Stryker disable once Boolean : equivalent; declining sends the text to the general parser, which reads it the same
        return true;
    }

    private static bool Digits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            // Stryker disable once Arithmetic : equivalent; any other sum is never 0 to 9, so the general parser reads the text
            var digit = text[i] - '0';
            if (digit is < 0 or > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        // Stryker disable once Boolean : equivalent; declining sends the text to the general parser, which reads it the same
        return true;
    }

    // Stryker disable once String : equivalent; Guid.ToString("") is the "D" form
    internal static string FormatGuid(Guid value) => value.ToString("D", CultureInfo.InvariantCulture);

    internal static Guid ParseGuid(string text) => Guid.ParseExact(text, "D");

    /// <summary>Rejects what the columns could not store faithfully, before anything is written.</summary>
    internal static void EnsureStorable(AssessmentRecord assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(assessment.Entries);
        var rules = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in assessment.Entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(assessment));
            if (!rules.Add(entry.RuleId))
            {
                throw new ArgumentException($"event {assessment.EventId} has two findings of rule {entry.RuleId}: a rule is one risk of a system", nameof(assessment));
            }

            if (entry.EventId != assessment.EventId)
            {
                throw new ArgumentException(
                    $"risk entry {entry.Id} belongs to event {entry.EventId}, not to the assessed event {assessment.EventId}",
                    nameof(assessment));
            }

            if (!Enum.IsDefined(entry.Level) || !Enum.IsDefined(entry.Treatment) || !Enum.IsDefined(entry.Status))
            {
                throw new ArgumentException($"risk entry {entry.Id} ({entry.RuleId}) has an undefined level, treatment or status", nameof(assessment));
            }

            foreach (var control in entry.Controls)
            {
                if (string.IsNullOrWhiteSpace(control) || control.Contains(ControlSeparator, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"risk entry {entry.Id} ({entry.RuleId}) has an empty control id or one with a comma: '{control}'", nameof(assessment));
                }
            }
        }
    }
}

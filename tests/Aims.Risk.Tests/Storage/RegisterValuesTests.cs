using System.Globalization;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Tests.Storage;

/// <summary>Timestamps as SQLite stores them: the register's own form read without the general parser, every other form by it.</summary>
public sealed class RegisterValuesTests
{
    public static TheoryData<string> Stored => new()
    {
        "2026-11-29T03:51:11.123+00:00",
        "2024-02-29T23:59:59.999+00:00",
        "0001-01-01T00:00:00.000+00:00",
        "9999-12-31T23:59:59.999+00:00",
        "2026-01-01T00:00:00.000+02:00",
        "2026-01-01T00:00:00.000-05:30",
    };

    public static TheoryData<string> Invalid => new()
    {
        "2026-02-30T00:00:00.000+00:00",
        "2026-13-01T00:00:00.000+00:00",
        "2026-01-01T24:00:00.000+00:00",
        "2026-01-01 00:00:00.000+00:00",
        "2026-01-01T00:00:00.00+00:00",
        "2026-01-0aT00:00:00.000+00:00",
        "",
    };

    /// <summary>
    /// The register's own form with exactly one thing wrong, for each check the fast reading makes: every separator,
    /// every field below and above its range (the calendar's days of the month included), and a character either side of
    /// the digits ('/' and ':') in every field.
    /// </summary>
    public static TheoryData<string> OneThingWrong => new()
    {
        "2026/11-29T03:51:11.123+00:00",
        "2026-11/29T03:51:11.123+00:00",
        "2026-11-29t03:51:11.123+00:00",
        "2026-11-29T03-51:11.123+00:00",
        "2026-11-29T03:51-11.123+00:00",
        "2026-11-29T03:51:11,123+00:00",
        "2026-11-29T03:51:11.123+00-00",
        "0000-11-29T03:51:11.123+00:00",
        "2026-00-29T03:51:11.123+00:00",
        "2026-11-00T03:51:11.123+00:00",
        "2026-11-31T03:51:11.123+00:00",
        "2026-12-32T03:51:11.123+00:00",
        "2025-02-29T03:51:11.123+00:00",
        "2026-11-29T03:60:11.123+00:00",
        "2026-11-29T03:51:60.123+00:00",
        "20/6-11-29T03:51:11.123+00:00",
        "202:-11-29T03:51:11.123+00:00",
        "2026-1/-29T03:51:11.123+00:00",
        "2026-:1-29T03:51:11.123+00:00",
        "2026-11-2/T03:51:11.123+00:00",
        "2026-11-:9T03:51:11.123+00:00",
        "2026-11-29T0/:51:11.123+00:00",
        "2026-11-29T:3:51:11.123+00:00",
        "2026-11-29T03:5/:11.123+00:00",
        "2026-11-29T03::1:11.123+00:00",
        "2026-11-29T03:51:1/.123+00:00",
        "2026-11-29T03:51::1.123+00:00",
        "2026-11-29T03:51:11.12/+00:00",
        "2026-11-29T03:51:11.:23+00:00",

        // Every digit a character below or above the digits, where the sums would make 0221-01-01T01:01:01.021.
        "/;;;-/;-/;T/;:/;:/;./;;+00:00",
    };

    /// <summary>The largest and smallest value of every field, read by the fast path as the general parser reads them.</summary>
    public static TheoryData<string> Boundaries => new()
    {
        "2026-12-31T23:59:59.999+00:00",
        "2026-01-01T00:00:00.000+00:00",
        "2026-04-30T12:00:00.500+00:00",
        "2000-02-29T00:00:00.000+00:00",
        "1999-09-09T09:09:09.999+00:00",
    };

    [Theory]
    [MemberData(nameof(Stored))]
    public void A_stored_timestamp_reads_as_the_general_parser_reads_it(string text)
    {
        var expected = DateTimeOffset.ParseExact(text, RegisterValues.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None);

        var read = RegisterValues.ParseTimestamp(text);

        Assert.Equal((expected.Ticks, expected.Offset), (read.Ticks, read.Offset));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Text_that_is_not_a_timestamp_is_refused_as_before(string text) =>
        Assert.Throws<FormatException>(() => RegisterValues.ParseTimestamp(text));

    [Theory]
    [MemberData(nameof(OneThingWrong))]
    public void A_timestamp_with_one_thing_wrong_is_refused(string text) =>
        Assert.Throws<FormatException>(() => RegisterValues.ParseTimestamp(text));

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void The_bounds_of_every_field_read_as_the_general_parser_reads_them(string text) =>
        A_stored_timestamp_reads_as_the_general_parser_reads_it(text);

    [Fact]
    public void What_the_register_writes_reads_back_equal()
    {
        var random = new Random(29);
        for (var i = 0; i < 1000; i++)
        {
            var value = RegisterValues.ToMilliseconds(new DateTimeOffset(random.NextInt64(0, DateTime.MaxValue.Ticks), TimeSpan.Zero));

            Assert.Equal(value, RegisterValues.ParseTimestamp(RegisterValues.FormatTimestamp(value)));
        }
    }
}

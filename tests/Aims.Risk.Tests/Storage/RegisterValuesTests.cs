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

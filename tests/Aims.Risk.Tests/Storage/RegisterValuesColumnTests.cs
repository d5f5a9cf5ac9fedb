using Aims.Risk.Contracts;
using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>How record values become column values, shared by both stores: each conversion and each refusal.</summary>
public sealed class RegisterValuesColumnTests
{
    [Fact]
    public void No_rule_errors_are_a_null_column_and_read_back_as_none()
    {
        Assert.Null(RegisterValues.FormatRuleErrors([]));
        Assert.Empty(RegisterValues.ParseRuleErrors(null));
        Assert.Empty(RegisterValues.ParseRuleErrors(""));
        Assert.Empty(RegisterValues.ParseRuleErrors("null"));
    }

    [Fact]
    public void Rule_errors_are_a_json_array_that_reads_back_equal()
    {
        RuleEvaluationError[] errors = [new("PRIV-001", "DivideByZeroException: Attempted to divide by zero."), new("SEC-001", "modifier 'x': KeyNotFoundException")];

        var json = RegisterValues.FormatRuleErrors(errors);

        Assert.Equal("""[{"ruleId":"PRIV-001","message":"DivideByZeroException: Attempted to divide by zero."},{"ruleId":"SEC-001","message":"modifier \u0027x\u0027: KeyNotFoundException"}]""", json);
        Assert.Equal(errors, RegisterValues.ParseRuleErrors(json));
    }

    [Fact]
    public void Controls_are_joined_by_commas_and_split_back_and_none_is_the_empty_text()
    {
        Assert.Equal("A.6.2.4,A.7.2", RegisterValues.JoinControls(["A.6.2.4", "A.7.2"]));
        Assert.Equal(["A.6.2.4", "A.7.2"], RegisterValues.SplitControls("A.6.2.4,A.7.2"));
        Assert.Equal("", RegisterValues.JoinControls([]));
        Assert.Empty(RegisterValues.SplitControls(""));
    }

    [Theory]
    [InlineData(RiskLevel.Low, 0)]
    [InlineData(RiskLevel.Medium, 1)]
    [InlineData(RiskLevel.High, 2)]
    [InlineData(RiskLevel.Critical, 3)]
    public void A_level_is_ranked_by_its_order(RiskLevel level, int rank) => Assert.Equal(rank, RegisterValues.Rank(level));

    [Fact]
    public void Names_read_back_exactly_and_anything_else_is_invalid_data()
    {
        Assert.Equal(RiskStatus.TreatmentRequested, RegisterValues.ParseName<RiskStatus>("TreatmentRequested"));
        Assert.Equal(RiskLevel.Critical, RegisterValues.ParseName<RiskLevel>("Critical"));
        Assert.Equal("'critical' is not a RiskLevel name", Assert.Throws<InvalidDataException>(() => RegisterValues.ParseName<RiskLevel>("critical")).Message);
        Assert.Throws<InvalidDataException>(() => RegisterValues.ParseName<RiskLevel>("Low, High"));
        Assert.Throws<InvalidDataException>(() => RegisterValues.ParseName<RiskLevel>("42"));
    }

    [Fact]
    public void Timestamps_are_utc_text_with_milliseconds_and_read_back_as_the_same_instant()
    {
        var at = new DateTimeOffset(2026, 11, 29, 4, 51, 11, 123, TimeSpan.FromHours(1)).AddTicks(4567);

        var text = RegisterValues.FormatTimestamp(at);

        Assert.Equal("2026-11-29T03:51:11.123+00:00", text);
        Assert.Equal(RegisterValues.ToMilliseconds(at), RegisterValues.ParseTimestamp(text));
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 4, 51, 11, 123, TimeSpan.FromHours(1)), RegisterValues.ToMilliseconds(at));
        Assert.Equal(TimeSpan.FromHours(1), RegisterValues.ToMilliseconds(at).Offset);
        Assert.Throws<FormatException>(() => RegisterValues.ParseTimestamp("2026-11-29T03:51:11Z"));
    }

    [Fact]
    public void Guids_are_lower_case_text_with_hyphens_and_only_that_form_reads_back()
    {
        var id = Guid.Parse("0B6F8A4E-7C1D-4E2A-9F3B-1A2B3C4D5E6F");

        Assert.Equal("0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f", RegisterValues.FormatGuid(id));
        Assert.Equal(id, RegisterValues.ParseGuid("0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f"));
        Assert.Throws<FormatException>(() => RegisterValues.ParseGuid("0b6f8a4e7c1d4e2a9f3b1a2b3c4d5e6f"));
    }

    [Fact]
    public void A_storable_assessment_passes()
    {
        RegisterValues.EnsureStorable(Assessment("s", "PRIV-001", "SEC-001"));
        RegisterValues.EnsureStorable(Assessment("s"));
    }

    [Fact]
    public void Two_findings_of_one_rule_are_refused()
    {
        var assessment = Assessment("s", "PRIV-001", "PRIV-001");

        var ex = Assert.Throws<ArgumentException>("assessment", () => RegisterValues.EnsureStorable(assessment));

        Assert.StartsWith($"event {assessment.EventId} has two findings of rule PRIV-001", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_of_another_event_is_refused()
    {
        var assessment = Assessment("s", "PRIV-001");
        var foreign = assessment.Entries[0] with { EventId = Guid.NewGuid() };

        var ex = Assert.Throws<ArgumentException>("assessment", () => RegisterValues.EnsureStorable(assessment with { Entries = [foreign] }));

        Assert.StartsWith($"risk entry {foreign.Id} belongs to event {foreign.EventId}, not to the assessed event {assessment.EventId}", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<RiskEntryRecord, RiskEntryRecord>> Undefined => new()
    {
        { "level", e => e with { Level = (RiskLevel)9 } },
        { "treatment", e => e with { Treatment = (Treatment)9 } },
        { "status", e => e with { Status = (RiskEntryStatus)9 } },
    };

    [Theory]
    [MemberData(nameof(Undefined))]
    public void An_undefined_level_treatment_or_status_is_refused(string what, Func<RiskEntryRecord, RiskEntryRecord> corrupt)
    {
        var assessment = Assessment("s", "PRIV-001");
        var entry = corrupt(assessment.Entries[0]);

        var ex = Assert.Throws<ArgumentException>("assessment", () => RegisterValues.EnsureStorable(assessment with { Entries = [entry] }));

        Assert.StartsWith($"risk entry {entry.Id} (PRIV-001) has an undefined level, treatment or status", ex.Message, StringComparison.Ordinal);
        Assert.NotEmpty(what);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("A.7.2,A.7.5")]
    public void An_empty_control_or_one_with_a_comma_is_refused(string control)
    {
        var assessment = Assessment("s", "PRIV-001");
        var entry = assessment.Entries[0] with { Controls = ["A.6.2.4", control] };

        var ex = Assert.Throws<ArgumentException>("assessment", () => RegisterValues.EnsureStorable(assessment with { Entries = [entry] }));

        Assert.StartsWith($"risk entry {entry.Id} (PRIV-001) has an empty control id or one with a comma: '{control}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_refused()
    {
        Assert.Throws<ArgumentNullException>("assessment", () => RegisterValues.EnsureStorable(null!));
        Assert.Throws<ArgumentNullException>("assessment.Entries", () => RegisterValues.EnsureStorable(Assessment("s") with { Entries = null! }));
        Assert.Throws<ArgumentNullException>("assessment", () => RegisterValues.EnsureStorable(Assessment("s") with { Entries = [null!] }));
    }
}

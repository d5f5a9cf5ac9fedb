using System.Data.Common;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Storage;
using Dapper;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>What every <see cref="IRiskRegister"/> must do; one subclass per store runs it.</summary>
public abstract partial class RiskRegisterContractTests(IRegisterDatabase database)
{
    private const string Hostile = "'); DROP TABLE Assessments;-- \" ] ` \\ % _ @EventId {0} ünïcödé 名前 \u0001\r\n\t end";

    // Records compare lists by reference: compare them apart, then the rest with the same empty list.
    private static readonly RiskEntryRecord[] NoEntries = [];
    private static readonly string[] NoControls = [];

    private readonly IRiskRegister register = database.CreateRegister();

    private static CancellationToken Token => CancellationToken.None;

    [StorageFact]
    public async Task Record_then_find_returns_the_assessment_and_its_entries()
    {
        var assessment = Assessment(UniqueSystem("find"), "privacy.consent-missing", "security.unsigned-artifact");

        var result = await register.RecordAsync(assessment, Token);
        var found = await register.FindAssessmentAsync(assessment.EventId, Token);

        Assert.False(result.IsDuplicate);
        Assert.Equal(assessment.Entries.Select(e => e.Id), result.Entries.Select(e => e.Id));
        Assert.NotNull(found);
        AssertSameAssessment(assessment, found);
    }

    [StorageFact]
    public async Task Find_unknown_event_returns_null()
    {
        Assert.Null(await register.FindAssessmentAsync(Guid.NewGuid(), Token));
    }

    [StorageFact]
    public async Task Record_same_event_twice_writes_nothing_and_returns_stored_entries()
    {
        var first = Assessment(UniqueSystem("dup"), "privacy.consent-missing", "ethics.no-bias-test");
        _ = await register.RecordAsync(first, Token);
        var rerun = Rerun(first);

        var second = await register.RecordAsync(rerun, Token);

        Assert.True(second.IsDuplicate);
        Assert.Equal(
            first.Entries.OrderBy(e => e.RuleId, StringComparer.Ordinal).Select(e => (e.Id, e.TaskId, e.Title)),
            second.Entries.OrderBy(e => e.RuleId, StringComparer.Ordinal).Select(e => (e.Id, e.TaskId, e.Title)));
        Assert.Equal(1, await CountAssessmentsAsync(first.EventId));
        Assert.Equal(2, await CountEntriesAsync(first.EventId));
        var stored = await register.FindAssessmentAsync(first.EventId, Token);
        Assert.Equal(first.AssessedAt, stored!.AssessedAt);
    }

    [StorageFact]
    public async Task Record_same_event_with_different_payload_throws_conflict_and_writes_nothing()
    {
        var first = Assessment(UniqueSystem("conflict"), "privacy.consent-missing");
        _ = await register.RecordAsync(first, Token);
        var different = Rerun(first) with { Payload = first.Payload.Replace("ModelRetrained", "ModelDeployed", StringComparison.Ordinal) };

        var conflict = await Assert.ThrowsAsync<EventConflictException>(() => register.RecordAsync(different, Token));

        Assert.Equal(first.EventId, conflict.EventId);
        Assert.Equal(1, await CountEntriesAsync(first.EventId));
        var stored = await register.FindAssessmentAsync(first.EventId, Token);
        Assert.Equal(first.Payload, stored!.Payload);
        Assert.Equal(first.Entries[0].Title, stored.Entries[0].Title);
    }

    [StorageFact]
    public async Task Payloads_that_differ_only_in_case_are_a_conflict()
    {
        var first = Assessment(UniqueSystem("case"), "privacy.consent-missing");
        _ = await register.RecordAsync(first, Token);

        _ = await Assert.ThrowsAsync<EventConflictException>(
            () => register.RecordAsync(first with { Payload = first.Payload.ToUpperInvariant() }, Token));
    }

    [StorageFact]
    public async Task Record_failing_mid_transaction_leaves_nothing()
    {
        var assessment = Assessment(UniqueSystem("rollback"), "privacy.consent-missing", "security.unsigned-artifact");
        var broken = assessment with { Entries = [assessment.Entries[0], assessment.Entries[1] with { Likelihood = 9 }] };

        var error = await Assert.ThrowsAnyAsync<DbException>(() => register.RecordAsync(broken, Token));

        Assert.IsNotType<EventConflictException>(error);
        Assert.Equal(0, await CountAssessmentsAsync(assessment.EventId));
        Assert.Equal(0, await CountEntriesAsync(assessment.EventId));
        Assert.False((await register.RecordAsync(assessment, Token)).IsDuplicate);
    }

    [StorageFact]
    public async Task Record_with_two_entries_for_one_rule_throws_and_leaves_nothing()
    {
        var assessment = Assessment(UniqueSystem("same-rule"), "privacy.consent-missing");
        var twice = assessment with { Entries = [assessment.Entries[0], assessment.Entries[0] with { Id = Guid.NewGuid() }] };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => register.RecordAsync(twice, Token));

        Assert.Contains("two findings of rule privacy.consent-missing", refused.Message, StringComparison.Ordinal);

        Assert.Equal(0, await CountAssessmentsAsync(assessment.EventId));
        Assert.Equal(0, await CountEntriesAsync(assessment.EventId));
    }

    [StorageFact]
    public async Task Record_rejects_an_entry_of_another_event_before_writing()
    {
        var assessment = Assessment(UniqueSystem("foreign"), "privacy.consent-missing");
        var foreign = assessment with { Entries = [assessment.Entries[0] with { EventId = Guid.NewGuid() }] };

        _ = await Assert.ThrowsAsync<ArgumentException>(() => register.RecordAsync(foreign, Token));

        Assert.Equal(0, await CountAssessmentsAsync(assessment.EventId));
    }

    [StorageFact]
    public async Task Record_without_findings_stores_the_assessment()
    {
        var assessment = Assessment(UniqueSystem("clean"));

        _ = await register.RecordAsync(assessment, Token);

        var found = await register.FindAssessmentAsync(assessment.EventId, Token);
        Assert.Empty(found!.Entries);
        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "SELECT FindingCount FROM Assessments WHERE EventId = @EventId", new { EventId = database.Key(assessment.EventId) }));
    }

    [StorageFact]
    public async Task Migrate_twice_is_harmless()
    {
        await register.MigrateAsync(Token);
        await using var connection = await database.OpenAsync();
        var scripts = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM SchemaVersions");
        await register.MigrateAsync(Token);

        Assert.True(scripts >= 2, $"{scripts} scripts journaled");
        Assert.Equal(scripts, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM SchemaVersions"));
        var journal = (await connection.QueryAsync<string>("SELECT ScriptName FROM SchemaVersions")).ToList();
        Assert.Equal(journal.Count, journal.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(journal, script => script.EndsWith(".0003_indexes.sql", StringComparison.Ordinal));
        var assessment = Assessment(UniqueSystem("migrated"), "privacy.consent-missing");
        Assert.False((await register.RecordAsync(assessment, Token)).IsDuplicate);
    }

    [StorageFact]
    public async Task Archive_rule_set_twice_keeps_one_row()
    {
        var hash = Guid.NewGuid().ToString("N");
        await register.ArchiveRuleSetAsync(new RuleSetArchive("1.4.0", hash, "{\"rules\":[]}", At), Token);
        await register.ArchiveRuleSetAsync(new RuleSetArchive("1.4.0-again", hash, "{\"other\":true}", At.AddDays(1)), Token);

        await using var connection = await database.OpenAsync();
        var rows = (await connection.QueryAsync<(string Version, string Content)>(
            "SELECT Version, Content FROM RuleSetVersions WHERE Hash = @Hash", new { Hash = hash })).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(("1.4.0", "{\"rules\":[]}"), row);
    }

    [StorageFact]
    public async Task Query_filters_by_system_and_minimum_level()
    {
        var system = UniqueSystem("query");
        var assessment = Assessment(system);
        assessment = assessment with
        {
            Entries =
            [
                Entry(assessment.EventId, system, "r.low", RiskLevel.Low),
                Entry(assessment.EventId, system, "r.medium", RiskLevel.Medium),
                Entry(assessment.EventId, system, "r.high", RiskLevel.High),
                Entry(assessment.EventId, system, "r.critical", RiskLevel.Critical),
            ],
        };
        _ = await register.RecordAsync(assessment, Token);
        _ = await register.RecordAsync(Assessment(UniqueSystem("query-other"), "r.critical"), Token);

        var all = await register.QueryEntriesAsync(new RegisterQuery { SystemId = system }, Token);
        var highAndAbove = await register.QueryEntriesAsync(new RegisterQuery { SystemId = system, MinimumLevel = RiskLevel.High }, Token);
        var mediumAndAbove = await register.QueryEntriesAsync(new RegisterQuery { SystemId = system, MinimumLevel = RiskLevel.Medium }, Token);

        Assert.Equal(4, all.Count);
        Assert.All(all, e => Assert.Equal(system, e.SystemId));
        Assert.Equal(["r.critical", "r.high"], highAndAbove.Select(e => e.RuleId));
        Assert.Equal(["r.critical", "r.high", "r.medium"], mediumAndAbove.Select(e => e.RuleId));
    }

    [StorageFact]
    public async Task Query_by_system_compares_the_id_exactly_in_every_store()
    {
        // SQLite compares text binary; SQL Server's SystemId columns have a binary collation so it agrees.
        var system = UniqueSystem("Case-Sensitive");
        _ = await register.RecordAsync(Assessment(system, "r.one"), Token);

        var exact = await register.QueryEntriesAsync(new RegisterQuery { SystemId = system }, Token);
        var otherCase = await register.QueryEntriesAsync(new RegisterQuery { SystemId = system.ToLowerInvariant() }, Token);

        Assert.Equal(system, Assert.Single(exact).SystemId);
        Assert.Empty(otherCase);
    }

    [StorageFact]
    public async Task Query_limit_returns_the_first_entries_by_creation_time_then_rule()
    {
        var system = UniqueSystem("limit");
        var assessment = Assessment(system);
        assessment = assessment with
        {
            Entries =
            [
                Entry(assessment.EventId, system, "c") with { CreatedAt = At },
                Entry(assessment.EventId, system, "b") with { CreatedAt = At.AddMinutes(1) },
                Entry(assessment.EventId, system, "a") with { CreatedAt = At.AddMinutes(1) },
                Entry(assessment.EventId, system, "d") with { CreatedAt = At.AddMinutes(2) },
            ],
        };
        _ = await register.RecordAsync(assessment, Token);

        var firstThree = await register.QueryEntriesAsync(new RegisterQuery { SystemId = system, Limit = 3 }, Token);

        Assert.Equal(["c", "a", "b"], firstThree.Select(e => e.RuleId));
    }

    [StorageFact]
    public async Task Query_by_event_returns_only_its_entries()
    {
        var system = UniqueSystem("by-event");
        var one = Assessment(system, "r.one", "r.two");
        var other = Assessment(system, "r.three");
        _ = await register.RecordAsync(one, Token);
        _ = await register.RecordAsync(other, Token);

        var entries = await register.QueryEntriesAsync(new RegisterQuery { EventId = one.EventId }, Token);

        Assert.Equal(["r.one", "r.two"], entries.Select(e => e.RuleId).Order(StringComparer.Ordinal));
    }

    [StorageFact]
    public async Task Query_rejects_a_limit_below_one()
    {
        _ = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => register.QueryEntriesAsync(new RegisterQuery { Limit = 0 }, Token));
        _ = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => register.QueryRisksAsync(new RiskQuery { Limit = 0 }, Token));
    }

    [StorageFact]
    public async Task Query_rejects_an_undefined_minimum_level_and_null_queries()
    {
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => register.QueryEntriesAsync(new RegisterQuery { MinimumLevel = (RiskLevel)9 }, Token));
        Assert.StartsWith("MinimumLevel is not a defined risk level", ex.Message, StringComparison.Ordinal);
        _ = await Assert.ThrowsAsync<ArgumentNullException>("query", () => register.QueryEntriesAsync(null!, Token));
        _ = await Assert.ThrowsAsync<ArgumentNullException>("query", () => register.QueryRisksAsync(null!, Token));
    }

    [StorageFact]
    public async Task A_transition_without_a_risk_or_task_id_is_refused_before_reading()
    {
        var ex = await Assert.ThrowsAsync<Core.Risks.RiskNotFoundException>(
            () => register.TransitionAsync(riskId: null, taskId: null, updateId: null, _ => null, Token));

        Assert.Equal("riskId or taskId is required to name the risk", ex.Message);
        _ = await Assert.ThrowsAsync<ArgumentNullException>("decide", () => register.TransitionAsync(Guid.NewGuid(), null, null, null!, Token));
    }

    [StorageFact]
    public async Task Concurrent_records_of_one_event_store_it_once_without_errors()
    {
        var assessment = Assessment(UniqueSystem("race"), "privacy.consent-missing", "security.unsigned-artifact");
        using var start = new ManualResetEventSlim();

        // Eight writers (each its own register, as replicas would be) receive the same event at once.
        var writers = Enumerable.Range(0, 8).Select(_ =>
        {
            var replica = database.CreateRegister();
            var attempt = Rerun(assessment);
            return Task.Run(async () =>
            {
                start.Wait();
                return await replica.RecordAsync(attempt, Token);
            });
        }).ToList();
        start.Set();
        var results = await Task.WhenAll(writers);

        var fresh = Assert.Single(results, r => !r.IsDuplicate);
        var storedIds = fresh.Entries.Select(e => e.Id).Order().ToList();
        Assert.All(results.Where(r => r.IsDuplicate), r => Assert.Equal(storedIds, r.Entries.Select(e => e.Id).Order()));
        Assert.Equal(1, await CountAssessmentsAsync(assessment.EventId));
        Assert.Equal(2, await CountEntriesAsync(assessment.EventId));
    }

    [StorageFact]
    public async Task Concurrent_records_of_different_events_all_succeed()
    {
        var system = UniqueSystem("parallel");
        var assessments = Enumerable.Range(0, 16).Select(i => Assessment(system, $"r.{i}")).ToList();

        var results = await Task.WhenAll(assessments.Select(a => Task.Run(() => database.CreateRegister().RecordAsync(a, Token))));

        Assert.All(results, r => Assert.False(r.IsDuplicate));
        Assert.Equal(16, (await register.QueryEntriesAsync(new RegisterQuery { SystemId = system }, Token)).Count);
    }

    [StorageFact]
    public async Task Round_trip_keeps_every_field()
    {
        var system = UniqueSystem("round-trip");
        var offset = TimeSpan.FromHours(5.5);
        var assessment = Assessment(system) with
        {
            ChangeType = nameof(ChangeType.ThirdPartyComponentChanged),
            OccurredAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, offset),
            AssessedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 6, 9, TimeSpan.FromHours(-7)),
            RuleSetVersion = "2.0.0-rc.1+build.5",
            RuleSetHash = new string('a', 64),
        };
        var treated = Entry(assessment.EventId, system, "security.critical-cve", RiskLevel.Critical) with
        {
            Category = "security",
            Likelihood = 5,
            Impact = 3,
            Score = 15,
            Treatment = Treatment.Avoid,
            Controls = ["A.6.2.4", "A.6.2.6", "A.10.3"],
            Status = RiskEntryStatus.TreatmentRequested,
            TaskId = Guid.NewGuid(),
            DueBy = new DateTimeOffset(2026, 1, 9, 23, 59, 59, 999, offset),
            CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 6, 1, offset),
        };
        var accepted = Entry(assessment.EventId, system, "ethics.minor", RiskLevel.Low) with
        {
            Category = "ethics",
            Likelihood = 1,
            Impact = 2,
            Score = 2,
            Treatment = Treatment.Accept,
            Controls = [],
            Status = RiskEntryStatus.Accepted,
            TaskId = null,
            DueBy = null,
        };
        assessment = assessment with { Entries = [treated, accepted] };

        _ = await register.RecordAsync(assessment, Token);
        var found = await register.FindAssessmentAsync(assessment.EventId, Token);

        AssertSameAssessment(assessment, found!);
    }

    [StorageFact]
    public async Task Hostile_strings_are_stored_and_read_back_verbatim()
    {
        var system = Hostile + Guid.NewGuid();
        var assessment = Assessment(system) with { Payload = "{\"note\":\"" + Hostile + "\"}" };
        assessment = assessment with
        {
            Entries = [Entry(assessment.EventId, system, Hostile) with { Title = Hostile, Rationale = Hostile }],
        };

        _ = await register.RecordAsync(assessment, Token);
        var found = await register.FindAssessmentAsync(assessment.EventId, Token);
        var bySystem = await register.QueryEntriesAsync(new RegisterQuery { SystemId = system }, Token);

        AssertSameAssessment(assessment, found!);
        Assert.Equal(Hostile, Assert.Single(bySystem).RuleId);
        Assert.True((await register.RecordAsync(assessment, Token)).IsDuplicate);
        Assert.Equal(1, await CountAssessmentsAsync(assessment.EventId));
    }

    /// <summary>Classic injection payloads for both dialects, each short enough for the narrowest column.</summary>
    private static readonly string[] InjectionPayloads =
    [
        "' OR '1'='1",
        "'; DROP TABLE RiskEntries;--",
        "\"; DELETE FROM Assessments;--",
        "x'); DELETE FROM Assessments;--",
        "1; UPDATE RiskEntries SET Score=0",
        "' UNION SELECT name FROM sqlite_master--",
        "'; EXEC xp_cmdshell 'dir';--",
        "'; WAITFOR DELAY '0:0:5';--",
        "]; DROP TABLE [Assessments];--",
        "%' ESCAPE '\\",
        "@SystemId",
        "N'\u2019; SHUTDOWN;--",
        "/* */ ATTACH DATABASE 'x' AS y;--",
        "\0\u0000 nul",
    ];

    [StorageFact]
    public async Task Injection_payloads_in_every_string_field_round_trip_verbatim_and_touch_nothing_else()
    {
        var canary = Assessment(UniqueSystem("canary"), "privacy.canary");
        _ = await register.RecordAsync(canary, Token);
        var assessmentsBefore = await CountRowsAsync("Assessments");
        var entriesBefore = await CountRowsAsync("RiskEntries");

        foreach (var payload in InjectionPayloads)
        {
            var system = payload + Guid.NewGuid().ToString("N")[..8];
            var assessment = Assessment(system) with
            {
                ChangeType = payload,
                RuleSetVersion = payload,
                RuleSetHash = payload,
                Payload = "{\"note\":" + System.Text.Json.JsonSerializer.Serialize(payload) + "}",
            };
            assessment = assessment with
            {
                Entries =
                [
                    Entry(assessment.EventId, system, payload) with
                    {
                        Category = payload,
                        Title = payload,
                        Rationale = payload,
                        Controls = [payload.Replace(",", "", StringComparison.Ordinal)],
                        RuleSetVersion = payload,
                        RuleSetHash = payload,
                    },
                ],
            };

            _ = await register.RecordAsync(assessment, Token);
            var found = await register.FindAssessmentAsync(assessment.EventId, Token);
            var bySystem = await register.QueryEntriesAsync(new RegisterQuery { SystemId = system }, Token);
            var byPayloadAsSystem = await register.QueryEntriesAsync(new RegisterQuery { SystemId = payload }, Token);

            AssertSameAssessment(assessment, found!);
            Assert.Equal(payload, Assert.Single(bySystem).RuleId);
            Assert.Empty(byPayloadAsSystem);
        }

        Assert.Equal(assessmentsBefore + InjectionPayloads.Length, await CountRowsAsync("Assessments"));
        Assert.Equal(entriesBefore + InjectionPayloads.Length, await CountRowsAsync("RiskEntries"));
        AssertSameAssessment(canary, (await register.FindAssessmentAsync(canary.EventId, Token))!);
        await register.ArchiveRuleSetAsync(new RuleSetArchive(InjectionPayloads[1], Guid.NewGuid().ToString("N"), InjectionPayloads[2], At), Token);
        Assert.Equal(assessmentsBefore + InjectionPayloads.Length, await CountRowsAsync("Assessments"));
    }

    [StorageFact]
    public async Task Ping_answers()
    {
        await register.PingAsync(Token);
    }

    private static void AssertSameAssessment(AssessmentRecord expected, AssessmentRecord actual)
    {
        Assert.Equal(expected with { Entries = NoEntries }, actual with { Entries = NoEntries });
        var expectedEntries = expected.Entries.OrderBy(e => e.RuleId, StringComparer.Ordinal).ToList();
        var actualEntries = actual.Entries.OrderBy(e => e.RuleId, StringComparer.Ordinal).ToList();
        Assert.Equal(expectedEntries.Count, actualEntries.Count);
        foreach (var (want, got) in expectedEntries.Zip(actualEntries))
        {
            Assert.Equal(want.Controls, got.Controls);

            // DateTimeOffset equality compares instants; a store may return another offset for the same instant.
            Assert.Equal(want with { Controls = NoControls }, got with { Controls = NoControls });
        }
    }

    private async Task<int> CountRowsAsync(string table)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>($"SELECT COUNT(*) FROM {table}");
    }

    private async Task<int> CountAssessmentsAsync(Guid eventId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM Assessments WHERE EventId = @EventId", new { EventId = database.Key(eventId) });
    }

    private async Task<int> CountEntriesAsync(Guid eventId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM RiskEntries WHERE EventId = @EventId", new { EventId = database.Key(eventId) });
    }
}

using Aims.Risk.Core.Scoring;
using Aims.Risk.Core.Storage;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>What rule changes read from every store: rule errors kept, the archive, each system's latest input.</summary>
public abstract class RuleChangeStoreContractTests(IRegisterDatabase database)
{
    private readonly IRiskRegister register = database.CreateRegister();

    private static CancellationToken Token => CancellationToken.None;

    [StorageFact]
    public async Task Rule_evaluation_errors_are_stored_with_the_assessment_and_read_back()
    {
        var errors = new[] { new RuleEvaluationError("PRIV-003", "RuleBudgetExceededException: 1,000,000 lambda steps"), new RuleEvaluationError("SEC-002", "NullReferenceException: \"quoted\" | text") };
        var failed = Assessment(UniqueSystem("errors")) with { RuleErrors = errors };
        var clean = Assessment(UniqueSystem("no-errors"));

        _ = await register.RecordAsync(failed, Token);
        _ = await register.RecordAsync(clean, Token);

        Assert.Equal(errors, (await register.FindAssessmentAsync(failed.EventId, Token))!.RuleErrors);
        Assert.Empty((await register.FindAssessmentAsync(clean.EventId, Token))!.RuleErrors);
    }

    [StorageFact]
    public async Task Latest_input_is_the_last_assessed_event_of_the_system()
    {
        var system = UniqueSystem("latest");
        var older = Assessment(system);
        var newer = Assessment(system) with { AssessedAt = older.AssessedAt.AddMinutes(1), RuleSetVersion = "1.5.0" };
        var other = Assessment(UniqueSystem("other"));
        _ = await register.RecordAsync(newer, Token);
        _ = await register.RecordAsync(older, Token);
        _ = await register.RecordAsync(other, Token);

        var inputs = await ToListAsync(register.ReadLatestInputsAsync(system, Token));

        var input = Assert.Single(inputs);
        Assert.Equal((system, newer.EventId, newer.Payload, "1.5.0"), (input.SystemId, input.EventId, input.Payload, input.RuleSetVersion));
        Assert.Equal(newer.AssessedAt, input.AssessedAt);
    }

    [StorageFact]
    public async Task Latest_inputs_of_all_systems_come_one_per_system_ordered_by_system()
    {
        var prefix = UniqueSystem("all");
        foreach (var name in new[] { "c", "a", "b" })
        {
            var first = Assessment($"{prefix}-{name}");
            _ = await register.RecordAsync(first, Token);
            _ = await register.RecordAsync(Assessment($"{prefix}-{name}") with { AssessedAt = first.AssessedAt.AddSeconds(1) }, Token);
        }

        var mine = (await ToListAsync(register.ReadLatestInputsAsync(null, Token))).Where(i => i.SystemId.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        Assert.Equal([$"{prefix}-a", $"{prefix}-b", $"{prefix}-c"], mine.Select(i => i.SystemId));
    }

    [StorageFact]
    public async Task Latest_assessments_are_the_latest_inputs_without_their_payloads_for_all_systems_and_for_one()
    {
        var prefix = UniqueSystem("keys");
        foreach (var name in new[] { "b", "a" })
        {
            var first = Assessment($"{prefix}-{name}");
            _ = await register.RecordAsync(first, Token);
            _ = await register.RecordAsync(Assessment($"{prefix}-{name}") with { AssessedAt = first.AssessedAt.AddSeconds(1), RuleSetHash = Hash(name) }, Token);
            // Assessed in the same millisecond as the latest: the same event must win in both reads.
            _ = await register.RecordAsync(Assessment($"{prefix}-{name}") with { AssessedAt = first.AssessedAt.AddSeconds(1) }, Token);
        }

        static (string, Guid, DateTimeOffset, string) Key(LatestInput i) => (i.SystemId, i.EventId, i.AssessedAt, i.RuleSetHash);
        static (string, Guid, DateTimeOffset, string) KeyOf(LatestAssessment a) => (a.SystemId, a.EventId, a.AssessedAt, a.RuleSetHash);
        var inputs = (await ToListAsync(register.ReadLatestInputsAsync(null, Token))).Where(i => i.SystemId.StartsWith(prefix, StringComparison.Ordinal)).Select(Key).ToList();
        var keys = (await ToListAsync(register.ReadLatestAssessmentsAsync(null, Token))).Where(a => a.SystemId.StartsWith(prefix, StringComparison.Ordinal)).Select(KeyOf).ToList();
        var one = await ToListAsync(register.ReadLatestAssessmentsAsync($"{prefix}-b", Token));

        Assert.Equal([$"{prefix}-a", $"{prefix}-b"], keys.Select(k => k.Item1));
        Assert.Equal(inputs, keys);
        Assert.Equal([inputs[1]], one.Select(KeyOf));
    }

    [StorageFact]
    public async Task Archived_rule_sets_are_read_back_oldest_activation_first()
    {
        var first = new RuleSetArchive("7.0.0", Hash("a"), """{"manifest.json":"{}"}""", At.AddDays(-2));
        var second = new RuleSetArchive("7.0.1", Hash("b"), """{"manifest.json":"{ }"}""", At.AddDays(-1));
        await register.ArchiveRuleSetAsync(second, Token);
        await register.ArchiveRuleSetAsync(first, Token);

        var archived = (await register.ReadRuleSetsAsync(Token)).Where(a => a.Hash == first.Hash || a.Hash == second.Hash).ToList();

        Assert.Equal([first.Hash, second.Hash], archived.Select(a => a.Hash));
        Assert.Equal(first with { ActivatedAt = archived[0].ActivatedAt }, archived[0]);
        Assert.Equal(first.ActivatedAt, archived[0].ActivatedAt);
    }

    private static string Hash(string seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed + Guid.NewGuid())));

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> inputs)
    {
        var list = new List<T>();
        await foreach (var input in inputs)
        {
            list.Add(input);
        }

        return list;
    }
}

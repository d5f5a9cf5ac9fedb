using Aims.Risk.Core.Storage;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

/// <summary>Re-assessment runs in every store: one per key, one claimant, finished once with its systems' totals.</summary>
public abstract class ReassessmentStoreContractTests(IRegisterDatabase database)
{
    private readonly IRiskRegister register = database.CreateRegister();
    private readonly IRiskRegister otherReplica = database.CreateRegister();

    private static CancellationToken Token => CancellationToken.None;

    [StorageFact]
    public async Task A_run_key_is_requested_once_whichever_replica_asks()
    {
        var key = $"activation:{Guid.NewGuid():N}";

        var first = await register.RequestReassessmentAsync(Run(key), Token);
        var second = await otherReplica.RequestReassessmentAsync(Run(key), Token);

        Assert.True(first);
        Assert.False(second);
        Assert.Single(await MineAsync(key));
    }

    [StorageFact]
    public async Task Of_two_replicas_claiming_one_gets_the_run_and_it_is_claimed_again_only_once_stale()
    {
        var key = $"demand:{Guid.NewGuid():N}";
        await register.RequestReassessmentAsync(Run(key), Token);

        var claims = await Task.WhenAll(ClaimMineAsync(register, key, At), ClaimMineAsync(otherReplica, key, At));
        var before = await ClaimMineAsync(otherReplica, key, At.AddMinutes(4));
        var stale = await ClaimMineAsync(otherReplica, key, At.AddMinutes(6));

        Assert.Single(claims, c => c is not null);
        Assert.Null(before);
        Assert.NotNull(stale);
    }

    [StorageFact]
    public async Task A_renewed_claim_is_not_taken_while_a_claim_gone_stale_and_taken_can_no_longer_be_renewed()
    {
        var key = $"demand:{Guid.NewGuid():N}";
        await register.RequestReassessmentAsync(Run(key), Token);
        var claim = (await ClaimMineAsync(register, key, At))!;

        var renewed = await register.RenewReassessmentClaimAsync(claim.RunId, At, At.AddMinutes(4), Token);
        var whileRenewed = await ClaimMineAsync(otherReplica, key, At.AddMinutes(6));
        var stolen = await ClaimMineAsync(otherReplica, key, At.AddMinutes(10));
        var renewedAfterTheft = await register.RenewReassessmentClaimAsync(claim.RunId, At.AddMinutes(4), At.AddMinutes(11), Token);

        Assert.True(renewed);
        Assert.Null(whileRenewed);
        Assert.NotNull(stolen);
        Assert.False(renewedAfterTheft);
        Assert.Equal(At.AddMinutes(10), (await MineAsync(key)).Single().ClaimedAt);
    }

    [StorageFact]
    public async Task An_enqueued_run_is_not_claimed_again_and_finishes_with_its_last_system_counted_once()
    {
        var key = $"activation:{Guid.NewGuid():N}";
        var run = Run(key);
        await register.RequestReassessmentAsync(run, Token);
        await register.MarkReassessmentEnqueuedAsync(run.RunId, "2.0.0", "hash", 2, At, Token);

        await register.RecordReassessedSystemAsync(new ReassessedSystem(run.RunId, "a", Guid.NewGuid(), At, Opened: 1, Resolved: 0, Changed: 2), Token);
        var half = (await MineAsync(key)).Single();
        await register.RecordReassessedSystemAsync(new ReassessedSystem(run.RunId, "a", Guid.NewGuid(), At, Opened: 1, Resolved: 0, Changed: 2), Token);
        await otherReplica.RecordReassessedSystemAsync(new ReassessedSystem(run.RunId, "b", null, At.AddSeconds(1), Opened: 0, Resolved: 1, Changed: 0), Token);
        var done = (await MineAsync(key)).Single();

        Assert.Null(await ClaimMineAsync(otherReplica, key, At.AddDays(1)));
        Assert.Null(half.FinishedAt);
        Assert.Equal((2, 1, 1), (half.Systems!.Value, half.Done, half.Remaining!.Value));
        Assert.Equal(At.AddSeconds(1), done.FinishedAt);
        Assert.Equal((2, 0, 1, 1, 2), (done.Done, done.Remaining!.Value, done.Opened, done.Resolved, done.Changed));
        Assert.DoesNotContain(await register.ReadReassessmentsAsync(unfinishedOnly: true, 1000, Token), r => r.RunKey == key);
    }

    [StorageFact]
    public async Task A_run_whose_systems_were_all_done_before_it_was_marked_enqueued_finishes_when_marked()
    {
        var key = $"interval:{Guid.NewGuid():N}";
        var run = Run(key);
        await register.RequestReassessmentAsync(run, Token);
        await register.RecordReassessedSystemAsync(new ReassessedSystem(run.RunId, "a", Guid.NewGuid(), At, 1, 0, 0), Token);

        await register.MarkReassessmentEnqueuedAsync(run.RunId, "2.0.0", "hash", 1, At.AddSeconds(2), Token);

        var done = (await MineAsync(key)).Single();
        Assert.Equal((At.AddSeconds(2), 1), (done.FinishedAt!.Value, done.Opened));
    }

    [StorageFact]
    public async Task An_empty_run_finishes_when_marked_enqueued()
    {
        var key = $"activation:{Guid.NewGuid():N}";
        var run = Run(key);
        await register.RequestReassessmentAsync(run, Token);

        await register.MarkReassessmentEnqueuedAsync(run.RunId, "2.0.0", "hash", 0, At, Token);

        Assert.Equal(At, (await MineAsync(key)).Single().FinishedAt);
    }

    [StorageFact]
    public async Task Systems_recorded_at_the_same_time_by_two_replicas_are_each_counted_once_and_the_run_finishes_once_with_their_totals()
    {
        var key = $"activation:{Guid.NewGuid():N}";
        var run = Run(key);
        await register.RequestReassessmentAsync(run, Token);
        await register.MarkReassessmentEnqueuedAsync(run.RunId, "2.0.0", "hash", 60, At, Token);
        var systems = Enumerable.Range(0, 60).Select(i => new ReassessedSystem(run.RunId, $"s{i:D2}", Guid.NewGuid(), At.AddSeconds(i), Opened: 1, Resolved: i % 2, Changed: 2)).ToList();

        // Every system twice (a redelivery on the other replica), all at once: the writers take many rows per transaction.
        await Task.WhenAll(systems.SelectMany(s => new[] { register.RecordReassessedSystemAsync(s, Token), otherReplica.RecordReassessedSystemAsync(s with { Opened = 9 }, Token) }));

        var done = (await MineAsync(key)).Single();
        Assert.Equal((60, 0), (done.Done, done.Remaining!.Value));
        Assert.Equal(At.AddSeconds(59), done.FinishedAt);
        Assert.Equal(30, done.Resolved);
        Assert.Equal(120, done.Changed);
        Assert.InRange(done.Opened, 60, 540);
    }

    [StorageFact]
    public async Task A_row_of_a_run_that_does_not_exist_fails_alone_and_the_rows_written_with_it_are_kept()
    {
        var key = $"demand:{Guid.NewGuid():N}";
        var run = Run(key);
        await register.RequestReassessmentAsync(run, Token);
        await register.MarkReassessmentEnqueuedAsync(run.RunId, "2.0.0", "hash", 20, At, Token);
        var good = Enumerable.Range(0, 20).Select(i => register.RecordReassessedSystemAsync(new ReassessedSystem(run.RunId, $"s{i:D2}", null, At, 0, 0, 0), Token)).ToList();
        var orphan = register.RecordReassessedSystemAsync(new ReassessedSystem(Guid.NewGuid(), "orphan", null, At, 0, 0, 0), Token);

        await Task.WhenAll(good);
        _ = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => orphan);

        var done = (await MineAsync(key)).Single();
        Assert.Equal(20, done.Done);
        Assert.NotNull(done.FinishedAt);
    }

    private static ReassessmentRun Run(string key) =>
        new(Guid.NewGuid(), key, key[..key.IndexOf(':', StringComparison.Ordinal)], null, "2.0.0", "hash", At.AddMinutes(-1));

    private async Task<List<ReassessmentRun>> MineAsync(string key) =>
        [.. (await register.ReadReassessmentsAsync(unfinishedOnly: false, 1000, Token)).Where(r => r.RunKey == key)];

    /// <summary>Claims until this test's run comes up (other tests' runs share the database), releasing nothing else.</summary>
    private static async Task<ReassessmentRun?> ClaimMineAsync(IRiskRegister replica, string key, DateTimeOffset now)
    {
        for (var i = 0; i < 100; i++)
        {
            var claimed = await replica.ClaimReassessmentAsync(now, now.AddMinutes(-5), Token);
            if (claimed is null || claimed.RunKey == key)
            {
                return claimed;
            }
        }

        return null;
    }
}

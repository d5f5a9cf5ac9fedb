using Aims.Risk.Core.Storage;
using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;

namespace Aims.Risk.Tests.Storage;

public sealed class SqlResilienceTests
{
    // The production back-off without its delays, so the tests count attempts, not seconds.
    private static readonly ResiliencePipeline Pipeline = SqlResilience.CreatePipeline(WithoutDelay());

    [Fact]
    public async Task Busy_database_is_retried_until_it_answers()
    {
        var attempts = 0;

        var result = await Pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            return attempts < 3 ? throw new SqliteException("database is locked", 5) : ValueTask.FromResult(42);
        });

        Assert.Equal((42, 3), (result, attempts));
    }

    [Fact]
    public async Task A_persistent_transient_error_gives_up_after_six_attempts()
    {
        var attempts = 0;

        _ = await Assert.ThrowsAsync<TimeoutException>(async () => await Pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new TimeoutException();
#pragma warning disable CS0162 // The callback must have a value-returning shape.
            return ValueTask.CompletedTask;
#pragma warning restore CS0162
        }));

        Assert.Equal(6, attempts);
    }

    [Fact]
    public async Task Event_conflict_is_not_retried()
    {
        var attempts = 0;

        _ = await Assert.ThrowsAsync<EventConflictException>(async () => await Pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new EventConflictException(Guid.Empty);
        }));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Constraint_violation_is_not_retried()
    {
        var attempts = 0;

        _ = await Assert.ThrowsAsync<SqliteException>(async () => await Pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new SqliteException("UNIQUE constraint failed", 19, 2067);
        }));

        Assert.Equal(1, attempts);
    }

    private static RetryStrategyOptions WithoutDelay()
    {
        var options = SqlResilience.CreateRetryOptions();
        options.Delay = TimeSpan.Zero;
        return options;
    }
}

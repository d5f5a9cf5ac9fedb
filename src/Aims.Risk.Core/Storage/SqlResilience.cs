using Polly;
using Polly.Retry;

namespace Aims.Risk.Core.Storage;

/// <summary>The named resilience pipeline around every register operation: retries transient SQL errors only.</summary>
public static class SqlResilience
{
    public const string PipelineName = "aims-risk-sql";

    /// <summary>Six attempts in all, with exponential back-off and jitter (about 0.2 s, 0.4 s, 0.8 s, ...).</summary>
    public static RetryStrategyOptions CreateRetryOptions() => new()
    {
        Name = "transient-sql",
        ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is { } exception && TransientSqlErrors.IsTransient(exception)),
        MaxRetryAttempts = 5,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(10),
    };

    /// <summary>Adds the transient-SQL retry to a pipeline; <paramref name="options"/> defaults to <see cref="CreateRetryOptions"/>.</summary>
    public static ResiliencePipelineBuilder AddSqlRetry(this ResiliencePipelineBuilder builder, RetryStrategyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRetry(options ?? CreateRetryOptions());
    }

    /// <summary>The pipeline outside dependency injection (tools and tests).</summary>
    public static ResiliencePipeline CreatePipeline(RetryStrategyOptions? options = null) =>
        new ResiliencePipelineBuilder().AddSqlRetry(options).Build();
}

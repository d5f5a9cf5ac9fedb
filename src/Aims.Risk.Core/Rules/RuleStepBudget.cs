using System.Diagnostics;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The run-time bound on one evaluation of a compiled rule expression. The compiler makes every lambda body
/// (one call per collection item) take a step from this budget, and every evaluation start with a full one, so
/// a rule that would run away on a large event (too many steps, or too long) stops with <see cref="RuleBudgetExceededException"/>: the
/// evaluator reports it as an evaluation error and the rule counts as not fired. The cost is an increment and a
/// comparison per item, on a thread-static counter: a compiled delegate runs on the caller's thread.
/// </summary>
internal static class RuleStepBudget
{
    /// <summary>
    /// Far above what a rule needs (a collection is at most 1,000 items), far below what hangs a worker:
    /// a lambda step of a sane rule takes well under a microsecond.
    /// </summary>
    public const int MaxSteps = 1_000_000;

    /// <summary>The wall-clock bound on one evaluation, checked every <see cref="ClockInterval"/> steps.</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(1);

    /// <summary>Steps between clock readings: a rule that iterates less never reads the clock at all.</summary>
    private const int ClockInterval = 1024;

    [ThreadStatic]
    private static int t_steps;

    [ThreadStatic]
    private static long t_started;

    public static void Begin() => t_steps = 0;

    public static void Step()
    {
        var steps = ++t_steps;
        if (steps % ClockInterval != 0)
        {
            return;
        }

        if (steps > MaxSteps)
        {
            throw new RuleBudgetExceededException($"stopped after {MaxSteps:N0} steps (lambda calls), the limit for one evaluation of one rule");
        }

        // The clock starts at the first reading, so the first interval is not timed: it is short for any sane step.
        if (steps == ClockInterval)
        {
            t_started = Stopwatch.GetTimestamp();
        }
        else if (Stopwatch.GetElapsedTime(t_started) > MaxTime)
        {
            throw new RuleBudgetExceededException($"stopped after {MaxTime.TotalSeconds:0} s and {steps:N0} steps, the limit for one evaluation of one rule");
        }
    }
}

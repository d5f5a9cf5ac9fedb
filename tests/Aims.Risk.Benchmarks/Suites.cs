using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Aims.Risk.Benchmarks;

/// <summary>
/// Runs the BenchmarkDotNet suites in this process (no per-benchmark rebuild: a build here takes minutes)
/// and prints one summary line per target, ratios taken within this run.
/// </summary>
public static class Suites
{
    private static readonly int[] Multipliers = [1, 10, 100];

    public static int Run(bool quick, string artifacts)
    {
        if (quick)
        {
            Environment.SetEnvironmentVariable("AIMS_RISK_BENCH_SKIP_1M", "1");
        }

        var config = Config(quick, artifacts);

        var evaluation = BenchmarkRunner.Run<EvaluationBenchmarks>(config);
        var rules = BenchmarkRunner.Run<RuleCountBenchmarks>(config);
        var register = BenchmarkRunner.Run<RegisterBenchmarks>(config);

        var hand = Ns(evaluation, nameof(EvaluationBenchmarks.HandWritten_FiredSet));
        var fired = Ns(evaluation, nameof(EvaluationBenchmarks.Service_FiredSet));
        var full = Ns(evaluation, nameof(EvaluationBenchmarks.Service_Evaluate));
        var engine = Ns(evaluation, nameof(EvaluationBenchmarks.RulesEngine_ExecuteAllRules));
        var lines = new List<string>
        {
            F($"evaluation: ratio={hand / fired:0.00} target=0.25 (service {PerSecond(fired)}/s, hand-written {PerSecond(hand)}/s, RulesEngine {PerSecond(engine)}/s, allocated {Bytes(evaluation, nameof(EvaluationBenchmarks.Service_FiredSet))} B/op; fired set of 50 rules per event, like for like)"),
            F($"evaluation-full: ratio={hand / full:0.00} (service Evaluate with findings, scores and rationales {PerSecond(full)}/s, allocated {Bytes(evaluation, nameof(EvaluationBenchmarks.Service_Evaluate))} B/op; RulesEngine {PerSecond(engine)}/s, allocated {Bytes(evaluation, nameof(EvaluationBenchmarks.RulesEngine_ExecuteAllRules))} B/op; hand-written allocated {Bytes(evaluation, nameof(EvaluationBenchmarks.HandWritten_FiredSet))} B/op)"),
            "growth-rules: " + string.Join(", ", Multipliers.Select(k =>
                F($"{50 * k} rules {Ns(rules, nameof(RuleCountBenchmarks.FiredSet), k) / 1000:0.0} us (x{Ns(rules, nameof(RuleCountBenchmarks.FiredSet), k) / Ns(rules, nameof(RuleCountBenchmarks.FiredSet), 1):0.0})")))
                + " per event fired set; Evaluate " + string.Join(", ", Multipliers.Select(k =>
                F($"{Ns(rules, nameof(RuleCountBenchmarks.Evaluate), k) / 1000:0.0} us (x{Ns(rules, nameof(RuleCountBenchmarks.Evaluate), k) / Ns(rules, nameof(RuleCountBenchmarks.Evaluate), 1):0.0})"))),
            RegisterLine(register, quick),
        };

        File.WriteAllLines(Path.Combine(artifacts, "summary.txt"), lines);
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static ManualConfig Config(bool quick, string artifacts)
    {
        var job = (quick
                ? Job.Default.WithWarmupCount(2).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(250))
                : Job.Default.WithWarmupCount(5).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(500)))
            .WithLaunchCount(1)
            // Building the 1M-entry register for the register suite takes minutes here: more than the default 5 minutes in process.
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
            .WithId(quick ? "quick" : "full");
        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(artifacts);
    }

    /// <summary>The register growth suite alone: the 1M-entry pre-fill makes it the longest one.</summary>
    public static int RunRegister(bool quick, string artifacts)
    {
        if (quick)
        {
            Environment.SetEnvironmentVariable("AIMS_RISK_BENCH_SKIP_1M", "1");
        }

        var register = BenchmarkRunner.Run<RegisterBenchmarks>(Config(quick, artifacts));
        Console.WriteLine(RegisterLine(register, quick));
        return 0;
    }

    private static string RegisterLine(Summary register, bool quick) =>
        "growth-register: " + string.Join(", ", RegisterBenchmarks.Sizes.Select(n =>
            F($"{n:#,0} entries {Ns(register, nameof(RegisterBenchmarks.Record), n) / 1000:0} us/insert (x{Ns(register, nameof(RegisterBenchmarks.Record), n) / Ns(register, nameof(RegisterBenchmarks.Record), 10_000):0.00}), {Ns(register, nameof(RegisterBenchmarks.RecordConcurrently), n) / 1000:0} us/insert with {RegisterBenchmarks.Concurrent} at once")))
            + (quick ? "; 1,000,000 entries skipped under --quick (the full run measures it)" : "");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static BenchmarkReport Report(Summary summary, string method, object? parameter = null) =>
        summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && (parameter is null || Equals(r.BenchmarkCase.Parameters.Items.Single().Value, parameter)));

    private static double Ns(Summary summary, string method, object? parameter = null) =>
        Report(summary, method, parameter).ResultStatistics?.Mean ?? double.NaN;

    private static string Bytes(Summary summary, string method)
    {
        var report = Report(summary, method);
        return report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)?.ToString(CultureInfo.InvariantCulture) ?? "?";
    }

    private static string PerSecond(double nanoseconds) =>
        nanoseconds switch
        {
            double.NaN => "?",
            < 1000 => F($"{1e9 / nanoseconds / 1e6:0.00}M"),
            _ => F($"{1e9 / nanoseconds / 1e3:0.0}k"),
        };
}

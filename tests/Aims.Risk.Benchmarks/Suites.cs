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

    /// <param name="quick">Short runs, no 1M-entry register.</param>
    /// <param name="artifacts">Where BenchmarkDotNet writes its reports.</param>
    /// <param name="withRegister">False leaves out the register suite (<c>bench-rules</c>: target 1 and the rule growth only).</param>
    public static int Run(bool quick, string artifacts, bool withRegister = true)
    {
        if (quick)
        {
            Environment.SetEnvironmentVariable("AIMS_RISK_BENCH_SKIP_1M", "1");
        }

        var config = Config(quick, artifacts);

        var evaluation = BenchmarkRunner.Run<EvaluationBenchmarks>(config);
        var rules = BenchmarkRunner.Run<RuleCountBenchmarks>(config);
        var register = withRegister ? BenchmarkRunner.Run<RegisterBenchmarks>(config) : null;

        var hand = Ns(evaluation, nameof(EvaluationBenchmarks.HandWritten_FiredSet));
        var fired = Ns(evaluation, nameof(EvaluationBenchmarks.Service_FiredSet));
        var full = Ns(evaluation, nameof(EvaluationBenchmarks.Service_Evaluate));
        var engine = Ns(evaluation, nameof(EvaluationBenchmarks.RulesEngine_ExecuteAllRules));
        var lines = new List<string>
        {
            F($"evaluation: ratio={hand / fired:0.00} target>=0.5 {Verdict(hand / fired >= 0.5)} (service {PerSecond(fired)}/s, hand-written {PerSecond(hand)}/s, RulesEngine {PerSecond(engine)}/s, allocated {Bytes(evaluation, nameof(EvaluationBenchmarks.Service_FiredSet))} B/op; fired set of the pack's {Workload.Pack.Rules.Count} rules per event through the rule index, like for like)"),
            F($"evaluation-full: ratio={hand / full:0.00} (service Evaluate with findings, scores and rationales {PerSecond(full)}/s, allocated {Bytes(evaluation, nameof(EvaluationBenchmarks.Service_Evaluate))} B/op; RulesEngine {PerSecond(engine)}/s, allocated {Bytes(evaluation, nameof(EvaluationBenchmarks.RulesEngine_ExecuteAllRules))} B/op; hand-written allocated {Bytes(evaluation, nameof(EvaluationBenchmarks.HandWritten_FiredSet))} B/op)"),
            GrowthLine(rules),
        };
        if (register is not null)
        {
            lines.Add(RegisterLine(register, quick));
        }


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

    /// <summary>
    /// Target 3: the fired set per event with the pack and its ×10 and ×100 growth sets (<see cref="RulePacks"/>),
    /// ×10 rules within ×12 of the pack's time and ×100 within ×150; then the full <c>Evaluate</c> for context.
    /// </summary>
    private static string GrowthLine(Summary rules)
    {
        double Fired(int k) => Ns(rules, nameof(RuleCountBenchmarks.FiredSet), k);
        double Full(int k) => Ns(rules, nameof(RuleCountBenchmarks.Evaluate), k);
        var x10 = Fired(10) / Fired(1);
        var x100 = Fired(100) / Fired(1);
        var count = Workload.Pack.Rules.Count;
        return "growth-rules: " + string.Join(", ", Multipliers.Select(k => F($"{count * k} rules {Fired(k) / 1000:0.00} us (x{Fired(k) / Fired(1):0.0})")))
            + F($" per event fired set, target x10<=12 x100<=150 {Verdict(x10 <= 12 && x100 <= 150)}; Evaluate ")
            + string.Join(", ", Multipliers.Select(k => F($"{Full(k) / 1000:0.0} us (x{Full(k) / Full(1):0.0})")));
    }

    private static string Verdict(bool met) => met ? "met" : "NOT MET";

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

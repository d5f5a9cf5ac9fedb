using System.Globalization;
using Aims.Risk.Benchmarks;

// tests/Aims.Risk.Benchmarks/run.sh runs these steps in order; each prints its summary lines itself.
//   verify          the hand-written baseline fires exactly what the service fires (and RulesEngine agrees)
//   bench [--quick] BenchmarkDotNet: evaluation, rule-count growth, register growth
//   bench-rules [--quick] the evaluation and rule-count suites only (targets 1 and 3 for rules), the same summary lines
//   bench-register [--quick] only the register growth suite (10k and, without --quick, 1M entries)
//   probe-lifecycle [--events N] [--concurrency C] [--rounds R]   the register's write path (reconciliation) alone, in process
//   probe-rules     the growth with rule count in a few seconds: the growth sets with and without the rule index, and
//                   N distinct compiled rules against the pack's repeated to N
//   probe-eval      target 1 in a few seconds: hand-written, the service with and without its rule index, Evaluate
//   rules-diff [--systems N] [--rounds N] [--cli <aims-risk.dll>]   rules diff over a SQLite register of N systems (default 100,000);
//                                           with --cli, also the command itself, as a process, timed by /usr/bin/time
//   e2e [--quick] --worker <Aims.Risk.Worker.dll> [--vhost <vhost>]   the worker end to end on the local broker
//   report [--systems N] [--risks-per-system M]   the HTML report of a register of N × M risks (default 10,000 × 20)
//   reassess-latency --worker <Aims.Risk.Worker.dll> [--vhost <vhost>] [--systems N] [--rate R] [--seconds S]
//                   new events' latency p99 with and without a background re-assessment of N systems (default 100,000; 100 ev/s for 60 s)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var quick = args.Contains("--quick");
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
return args.FirstOrDefault() switch
{
    "verify" => await Verification.RunAsync(),
    "probe-register" => await Probe.RegisterAsync(),
    "probe-rules" => RuleCountProbe.Run(),
    "probe-lifecycle" => await LifecycleProbe.RunAsync(
        Option("--events") is { } le ? int.Parse(le, CultureInfo.InvariantCulture) : 6_000,
        Option("--concurrency") is { } lc ? int.Parse(lc, CultureInfo.InvariantCulture) : 128,
        Option("--rounds") is { } lr ? int.Parse(lr, CultureInfo.InvariantCulture) : 3),
    "probe-eval" => EvaluationProbe.Run(),
    "rules-diff" => await RuleDiffBenchmark.RunAsync(
        Option("--systems") is { } systems ? int.Parse(systems, CultureInfo.InvariantCulture) : 100_000,
        Option("--rounds") is { } rounds ? int.Parse(rounds, CultureInfo.InvariantCulture) : 3,
        Option("--cli")),
    "bench-register" => Suites.RunRegister(quick, Option("--artifacts") ?? Path.Combine(Path.GetTempPath(), "aims-risk-bench", "artifacts")),
    "bench" => Suites.Run(quick, Option("--artifacts") ?? Path.Combine(Path.GetTempPath(), "aims-risk-bench", "artifacts")),
    "bench-rules" => Suites.Run(quick, Option("--artifacts") ?? Path.Combine(Path.GetTempPath(), "aims-risk-bench", "artifacts"), withRegister: false),
    "report" => await ReportScale.RunAsync(
        Option("--systems") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 10_000,
        Option("--risks-per-system") is { } m ? int.Parse(m, CultureInfo.InvariantCulture) : 20),
    "reassess-latency" => await ReassessLatency.RunAsync(
        Option("--worker") ?? throw new ArgumentException("reassess-latency needs --worker <path of Aims.Risk.Worker.dll>"),
        Option("--vhost") ?? "/",
        Option("--systems") is { } rs ? int.Parse(rs, CultureInfo.InvariantCulture) : 100_000,
        Option("--rate") is { } rate ? double.Parse(rate, CultureInfo.InvariantCulture) : 100,
        Option("--seconds") is { } seconds ? int.Parse(seconds, CultureInfo.InvariantCulture) : 60),
    "e2e" => await EndToEnd.RunAsync(
        quick,
        Option("--worker") ?? throw new ArgumentException("e2e needs --worker <path of Aims.Risk.Worker.dll>"),
        Option("--vhost") ?? "/",
        Option("--events") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : (quick ? 20_000 : 50_000)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Aims.Risk.Benchmarks verify | probe-eval | probe-rules | bench [--quick] | bench-rules [--quick] | bench-register [--quick] | rules-diff [--systems N] [--rounds N] | e2e [--quick] --worker <dll> [--vhost <vhost>] [--events N] | report [--systems N] [--risks-per-system M] | reassess-latency --worker <dll> [--vhost <vhost>] [--systems N] [--rate R] [--seconds S]");
    Console.Error.WriteLine("usage: Aims.Risk.Benchmarks verify | bench [--quick] | bench-register [--quick] | rules-diff [--systems N] [--rounds N] [--cli <aims-risk.dll>] | e2e [--quick] --worker <dll> [--vhost <vhost>] [--events N] | report [--systems N] [--risks-per-system M] | reassess-latency --worker <dll> [--vhost <vhost>] [--systems N] [--rate R] [--seconds S]");
    return 2;
}

using System.Diagnostics;
using System.Globalization;

namespace Aims.Risk.Benchmarks;

/// <summary>A quick look at the register's write throughput, one caller at a time and many at once (no BenchmarkDotNet).</summary>
public static class Probe
{
    public static async Task<int> RegisterAsync()
    {
        var bench = new RegisterBenchmarks { RegisterEntries = 10_000 };
        bench.Setup();
        try
        {
            for (var round = 0; round < 2; round++)
            {
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < 100; i++)
                {
                    _ = await bench.Record();
                }

                var one = 100 / Stopwatch.GetElapsedTime(started).TotalSeconds;
                started = Stopwatch.GetTimestamp();
                for (var i = 0; i < 20; i++)
                {
                    await bench.RecordConcurrently();
                }

                var many = 20 * RegisterBenchmarks.Concurrent / Stopwatch.GetElapsedTime(started).TotalSeconds;
                started = Stopwatch.GetTimestamp();
                for (var i = 0; i < 10_000; i++)
                {
                    _ = bench.CheckFiles();
                }

                var check = Stopwatch.GetElapsedTime(started).TotalMicroseconds / 10_000;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"register-probe: one at a time {one:0} records/s, {RegisterBenchmarks.Concurrent} at once {many:0} records/s; the file check of a batch {check:0.0} us ({check * one / 1e4:0.00} % of a record one at a time)"));
            }
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }
}

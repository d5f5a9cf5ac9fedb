using System.Runtime.InteropServices;

namespace Aims.Risk.Benchmarks;

/// <summary>The calling thread's CPU time (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), or null where there is none.</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static double? Nanoseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        return ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? time.Seconds * 1e9 + time.Nanoseconds : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}

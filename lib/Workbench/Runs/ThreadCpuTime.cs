using System.Runtime.InteropServices;

namespace Workbench.Runs;

/// <summary>
/// CPU time of the calling thread (POSIX <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, nanosecond resolution on
/// Linux): the time this thread itself ran, so neither time it spent descheduled on a busy machine nor the work of the
/// process's other threads (garbage collection, a notebook kernel's message loop, a thread pool) counts. Linux and
/// macOS; NaN elsewhere (<see cref="Available"/> is false).
/// </summary>
public static class ThreadCpuTime
{
    /// <summary>True where the clock can be read.</summary>
    public static bool Available { get; } = Probe();

    /// <summary>CPU time the calling thread has used since it started, milliseconds; NaN where unavailable.</summary>
    public static double Milliseconds()
    {
        if (!Available || ClockGetTime(ClockId, out var t) != 0) return double.NaN;
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }

    /// <summary>
    /// Runs <paramref name="work"/> and returns the calling thread's CPU time over it, milliseconds (NaN where unavailable).
    /// </summary>
    public static double Measure(Action work)
    {
        double start = Milliseconds();
        work();
        return Milliseconds() - start;
    }

    // CLOCK_THREAD_CPUTIME_ID: 3 on Linux, 16 on macOS.
    static int ClockId => OperatingSystem.IsMacOS() ? 16 : 3;

    static bool Probe()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        try
        {
            return ClockGetTime(ClockId, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec time);
}

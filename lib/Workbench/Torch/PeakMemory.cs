using System.Runtime.InteropServices;

namespace Workbench.Torch;

/// <summary>
/// Peak resident memory of a piece of work, measured as the rise of the process's resident-set high-water mark
/// (Linux: <c>/proc/self/clear_refs</c> ← 5 resets VmHWM, then VmHWM − VmRSS before). libtorch allocates CPU tensors
/// with the C allocator; the allocator's mmap threshold is fixed at 64 KiB first, so every tensor above that is mapped
/// fresh and unmapped on free, and the high-water mark sees it. The number includes everything else the process
/// allocated meanwhile (a few MiB of noise); it is a measurement, not an estimate from shapes. Returns NaN where the
/// files are not available (not Linux).
/// </summary>
public static class PeakMemory
{
    static readonly object Gate = new();
    static bool _configured;

    /// <summary>True where the measurement works (Linux with /proc).</summary>
    public static bool Available => OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

    /// <summary>Runs <paramref name="work"/> and returns its peak resident memory above the start, in bytes (NaN where unavailable).</summary>
    public static double Measure(Action work)
    {
        lock (Gate)
        {
            if (!Available)
            {
                work();
                return double.NaN;
            }
            Configure();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            File.WriteAllText("/proc/self/clear_refs", "5");
            long before = Read("VmRSS:");
            work();
            long peak = Read("VmHWM:");
            return Math.Max(0, peak - before);
        }
    }

    static void Configure()
    {
        if (_configured) return;
        _configured = true;
        try
        {
            const int MmapThreshold = -3;
            mallopt(MmapThreshold, 64 * 1024);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the high-water mark still rises for fresh allocations, only reused free memory goes unseen.
        }
    }

    static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}

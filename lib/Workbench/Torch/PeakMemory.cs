using System.Runtime.InteropServices;

namespace Workbench.Torch;

/// <summary>
/// Peak resident memory of a piece of work, measured as the rise of the process's resident-set high-water mark
/// (Linux: <c>/proc/self/clear_refs</c> ← 5 resets VmHWM, then VmHWM − VmRSS before). libtorch allocates CPU tensors
/// with the C allocator; glibc's mmap and trim thresholds are fixed at 64 KiB and free heap memory is returned
/// (malloc_trim) before each measurement, so the memory a piece of work touches is faulted in afresh and the
/// high-water mark sees it. The number includes everything else the process
/// allocated meanwhile (a few MiB of noise); it is a measurement, not an estimate from shapes. Returns NaN where the
/// files are not available (not Linux).
/// </summary>
public static class PeakMemory
{
    static readonly object Gate = new();
    static bool _configured;
    static bool _trim;

    /// <summary>True where the measurement works (Linux with /proc).</summary>
    public static bool Available => OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

    /// <summary>
    /// Runs <paramref name="work"/> and returns its peak resident memory above the start, in bytes (NaN where unavailable).
    /// </summary>
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
            // Free memory still resident in the allocator's heaps would be reused without a page fault, unseen by the
            // high-water mark: return it to the system first.
            if (_trim) malloc_trim(0);
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
            const int TrimThreshold = -1, MmapThreshold = -3;
            mallopt(MmapThreshold, 64 * 1024);
            mallopt(TrimThreshold, 64 * 1024);
            _trim = true;
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

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    static extern int malloc_trim(nuint pad);

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}

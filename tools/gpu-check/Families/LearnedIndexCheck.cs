using System.Diagnostics;
using Workbench.Data;
using Workbench.Kernels.LearnedIndex;
using Workbench.Papers.LearnedIndex;

namespace Workbench.GpuCheck.Families;

/// <summary>
/// The learned index's batched lookup kernels (<see cref="GpuLookup"/>: branch-free binary search, the RMI with a
/// log-linear and a cubic root) against the CPU lower bound, and, as a report, the issue-5 CPU comparison on the GPU
/// machine's processor (one lookup at a time: binary search, B+tree page 128, the RMI at a tenth of its size).
/// </summary>
public sealed class LearnedIndexCheck : IGpuCheckFamily
{
    /// <inheritdoc/>
    public string Name => "learned-index";

    /// <inheritdoc/>
    public string Description =>
        "batched lookups (GpuLookup: binary search, RMI log-linear and cubic) against the CPU lower bound; CPU index comparison";

    /// <inheritdoc/>
    public IReadOnlyList<GpuCheckOption> Options { get; } =
    [
        new("keys", "N", "Lognormal keys (default 10,000,000 on a GPU, 100,000 on the CPU accelerator).", GpuCheckValueKind.Count,
            Positional: true),
        new("probes", "N", "Random probes, a quarter of them absent keys (default: as many as keys).", GpuCheckValueKind.Count,
            Positional: true),
        new("geoip", "PATH", "Also run the CPU comparison on Tor's GeoIP range starts (e.g. /usr/share/tor/geoip).",
            GpuCheckValueKind.ExistingFile),
        new("lookups", "N", "Lookups per pass in the CPU comparison (default 2,000,000).", GpuCheckValueKind.Count),
    ];

    static int KeyCount(GpuCheckSettings settings) =>
        settings.Count("keys", settings.Size == GpuCheckSize.Tiny ? 5_000 : settings.FullSize ? 10_000_000 : 100_000);

    /// <inheritdoc/>
    public IEnumerable<GpuCheckCase> Cases(GpuCheckSettings settings)
    {
        int keyCount = KeyCount(settings);
        int probeCount = settings.Count("probes", keyCount);

        var keys = KeySets.Lognormal(keyCount, 0);
        var rng = new Random(1);
        var probes = new ulong[probeCount];
        for (int i = 0; i < probes.Length; i++) probes[i] = i % 4 == 3 ? keys[rng.Next(keys.Length)] + 1 : keys[rng.Next(keys.Length)];

        int leaves = Math.Max(1024, keyCount / 64);
        var logLinear = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.LogLinear, leaves));
        var cubic = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.Cubic, leaves));
        var binarySearch = new BinarySearchIndex(keys);
        var expected = new int[probeCount];
        var cpuRmi = new int[probeCount];
        binarySearch.FindMany(probes, expected); // warm-up (JIT)
        logLinear.FindMany(probes, cpuRmi);
        double cpuBinarySeconds = SecondsPerProbe(Stopwatch.StartNew(), () => binarySearch.FindMany(probes, expected), probeCount);
        double cpuRmiSeconds = SecondsPerProbe(Stopwatch.StartNew(), () => logLinear.FindMany(probes, cpuRmi), probeCount);

        using var gpu = new GpuLookup(keys, settings.Device.Accelerator);
        var got = new int[probeCount];
        yield return new GpuCheckCase($"binary search {keyCount:N0} keys", () =>
        {
            gpu.BinarySearch(probes, got); // warm-up: compiles the kernel
            double gpuSeconds = BestOfFive(() => gpu.BinarySearch(probes, got), probeCount);
            return new GpuCheckResult(null, 0, Mismatches(got, expected), Timing(gpuSeconds, cpuBinarySeconds),
                $"{probeCount:N0} probes, a quarter absent");
        });
        yield return new GpuCheckCase($"RMI log-linear {leaves:N0} leaves", () =>
        {
            gpu.Load(logLinear);
            gpu.Rmi(probes, got);
            double gpuSeconds = BestOfFive(() => gpu.Rmi(probes, got), probeCount);
            long cpuMismatches = Mismatches(cpuRmi, expected);
            // The batched CPU RMI is checked against the lower bound too: the GPU must match an exact CPU path.
            return new GpuCheckResult(null, 0, Mismatches(got, expected) + cpuMismatches, Timing(gpuSeconds, cpuRmiSeconds),
                $"{logLinear.SizeBytes / 1024.0:N0} KB, AvgLg2 {logLinear.AvgLg2:0.00}; CPU RMI mismatches {cpuMismatches:N0}");
        });
        yield return new GpuCheckCase($"RMI cubic {leaves:N0} leaves", () =>
        {
            gpu.Load(cubic);
            gpu.Rmi(probes, got);
            double gpuSeconds = BestOfFive(() => gpu.Rmi(probes, got), probeCount);
            return new GpuCheckResult(null, 0, Mismatches(got, expected), Timing(gpuSeconds, cpuRmiSeconds),
                $"AvgLg2 {cubic.AvgLg2:0.00}; CPU time is the log-linear RMI's");
        });
    }

    /// <inheritdoc/>
    public IEnumerable<GpuCheckTable> Reports(GpuCheckSettings settings)
    {
        int keyCount = KeyCount(settings);
        int lookups = settings.Count("lookups", settings.Size == GpuCheckSize.Tiny ? 20_000 : 2_000_000);
        var rows = new List<IReadOnlyList<string>> { Compare($"lognormal {keyCount:N0}", KeySets.Lognormal(keyCount, 0), lookups) };
        if (settings.Text("geoip") is { } path) rows.Add(Compare("geoip (tor)", KeySets.GeoIp(path), lookups));
        yield return new GpuCheckTable(
            $"CPU, one lookup at a time, one thread, {lookups:N0} random present keys (per lookup, best of 3 passes; "
            + "ratio = binary search / RMI)",
            ["key set", "binary search", "B+tree p128", "RMI 1/10 B+tree", "RMI vs BS", "RMI size", "RMI root, B+tree size"], rows);
    }

    /// <summary>The issue-5 comparison: the RMI at a tenth of the page-128 B+tree's size (best of three roots).</summary>
    static IReadOnlyList<string> Compare(string name, ulong[] keys, int lookups)
    {
        var present = new ulong[lookups];
        var rng = new Random(2);
        for (int i = 0; i < present.Length; i++) present[i] = keys[rng.Next(keys.Length)];
        var tree = new StaticBPlusTree(keys, 128);
        var small = RmiChoice.BestRoot(keys, RmiChoice.TenthOfBPlusTreeLeaves(keys));
        double Time(ISortedIndex index)
        {
            double best = double.MaxValue;
            for (int pass = 0; pass < 3; pass++)
            {
                long sum = 0;
                var watch = Stopwatch.StartNew();
                foreach (var key in present) sum += index.Find(key);
                best = Math.Min(best, watch.Elapsed.TotalSeconds / present.Length);
                GC.KeepAlive(sum); // keeps the loop's result alive, so the lookups are not optimised away
            }
            return best;
        }
        double binarySeconds = Time(new BinarySearchIndex(keys)), treeSeconds = Time(tree), rmiSeconds = Time(small);
        return [name, GpuCheckRunner.Seconds(binarySeconds), GpuCheckRunner.Seconds(treeSeconds), GpuCheckRunner.Seconds(rmiSeconds),
            GpuCheckRunner.ThreeDigits(binarySeconds / rmiSeconds) + "×",
            $"{small.SizeBytes / 1024.0:0.0} KB", $"{small.Name}, {tree.SizeBytes / 1024.0:0} KB"];
    }

    static GpuCheckTiming Timing(double gpuSeconds, double cpuSeconds) => new("per lookup, kernel only", gpuSeconds, cpuSeconds);

    static double SecondsPerProbe(Stopwatch watch, Action run, int probes)
    {
        run();
        return watch.Elapsed.TotalSeconds / probes;
    }

    // Kernel time only (upload and download excluded), the best of five: the first CUDA launches vary.
    static double BestOfFive(Func<TimeSpan> run, int probes) => Enumerable.Range(0, 5).Min(_ => run().TotalSeconds) / probes;

    static long Mismatches(int[] got, int[] expected)
    {
        long mismatches = 0;
        for (int i = 0; i < got.Length; i++) if (got[i] != expected[i]) mismatches++;
        return mismatches;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// The machine's random-access limits over an array as large as a key set, the yardstick for lookup times: the latency
/// of one <i>dependent</i> access (a pointer chase: each load's address comes from the previous load, so nothing
/// overlaps) and the cost per access of many <i>independent</i> accesses (a gather of random positions: the core keeps
/// as many misses in flight as it can, so this is the throughput limit that batched lookups can approach).
/// </summary>
public static class MemoryLimits
{
    /// <summary>
    /// An array of <paramref name="elements"/> 8-byte words holding one random cycle through all of its cache lines
    /// (Sattolo's algorithm, seeded): element 8·i holds the position of the next line's first element.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="elements"/> is below 16.</exception>
    public static ulong[] ChaseArray(int elements, int seed = 0)
    {
        if (elements < 16)
            throw new ArgumentOutOfRangeException(nameof(elements), elements,
                "The chase array needs at least 16 elements (two cache lines).");
        var array = new ulong[elements];
        int lines = elements / 8;
        var next = new int[lines];
        for (int i = 0; i < lines; i++) next[i] = i;
        var rng = new Random(seed);
        for (int i = lines - 1; i > 0; i--)
        {
            int j = rng.Next(i);
            (next[i], next[j]) = (next[j], next[i]);
        }
        for (int i = 0; i < lines; i++) array[(long)i * 8] = (ulong)next[i] * 8;
        return array;
    }

    /// <summary>Follows the cycle of <paramref name="chase"/> for <paramref name="hops"/> dependent loads; returns where it
    /// stopped (so the loads cannot be elided).</summary>
    public static ulong Chase(ulong[] chase, int hops)
    {
        ulong p = 0;
        for (int h = 0; h < hops; h++) p = chase[p];
        return p;
    }

    /// <summary>Random positions for <see cref="Gather"/>, uniform over <paramref name="elements"/>, seeded.</summary>
    public static int[] GatherPositions(int elements, int count, int seed = 1)
    {
        var rng = new Random(seed);
        var positions = new int[count];
        for (int i = 0; i < count; i++) positions[i] = rng.Next(elements);
        return positions;
    }

    /// <summary>Sums <paramref name="array"/> at <paramref name="positions"/>: independent loads, as many in flight as the
    /// core allows.</summary>
    public static ulong Gather(ulong[] array, int[] positions)
    {
        ulong sum = 0;
        foreach (int p in positions) sum += array[p];
        return sum;
    }

    /// <summary>
    /// The access pattern of a lock-step batched search with its compute taken out: groups of <paramref name="group"/>
    /// independent pointer chases over <paramref name="chase"/>, advanced one hop per round for <paramref name="hops"/>
    /// rounds, each hop prefetching the line the next round reads. Every probe of a bisection round waits for the line
    /// the previous round chose, so this, not the free gather, is the fastest a search with that many dependent misses
    /// can go. Returns the last cursor (so the loads cannot be elided).
    /// </summary>
    public static unsafe ulong LockStepChains(ulong[] chase, int[] starts, int group, int hops)
    {
        if (group is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(group), group, "The group must hold 1 to 64 chains.");
        ulong* cursor = stackalloc ulong[64];
        ulong sink = 0;
        fixed (ulong* c = chase)
        {
            for (int s = 0; s + group <= starts.Length; s += group)
            {
                for (int j = 0; j < group; j++)
                {
                    cursor[j] = (ulong)starts[s + j] & ~7UL;
                    BatchedSearch.Prefetch(c + cursor[j]);
                }
                for (int h = 0; h < hops; h++)
                    for (int j = 0; j < group; j++)
                    {
                        ulong next = c[cursor[j]];
                        cursor[j] = next;
                        BatchedSearch.Prefetch(c + next);
                    }
                sink += cursor[0];
            }
        }
        return sink;
    }

    /// <summary>
    /// Times both limits over an array of <paramref name="elements"/> words with a stopwatch, best of
    /// <paramref name="passes"/> passes: (ns per dependent access, ns per independent access).
    /// </summary>
    public static (double DependentNs, double IndependentNs) Measure(int elements, int accesses = 200_000, int passes = 5)
    {
        var chase = ChaseArray(Math.Max(16, elements));
        var positions = GatherPositions(chase.Length, accesses);
        double dependent = double.MaxValue, independent = double.MaxValue;
        ulong sink = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            var watch = Stopwatch.StartNew();
            sink += Chase(chase, accesses);
            dependent = Math.Min(dependent, watch.Elapsed.TotalNanoseconds / accesses);
            watch.Restart();
            sink += Gather(chase, positions);
            independent = Math.Min(independent, watch.Elapsed.TotalNanoseconds / accesses);
        }
        GC.KeepAlive(sink);
        return (dependent, independent);
    }

    /// <summary>
    /// The last-level cache this process really gets, measured: pointer chases (<see cref="Measure"/>) over arrays of
    /// 1 MiB, 2 MiB, … up to twice <paramref name="nominalBytes"/>, and the size at which one dependent access costs
    /// half-way between the 1 MiB chase (cache) and the largest (memory), interpolated in log2 of the size; at most
    /// <paramref name="nominalBytes"/>. On a VM whose L3 is shared with other guests or processes this is far below
    /// the nominal size (measured 2026-11-30 on a 2-core EPYC VM with a nominal 32 MiB L3: the chase cost 27 ns at
    /// 4 MiB, 96 ns at 8 MiB and 155 ns from 16 MiB on, so about 6–7 MiB), and a miss model that replays a 32 MiB cache
    /// counts hits that do not happen. Takes about a second.
    /// </summary>
    /// <param name="nominalBytes">The nominal last-level cache, e.g. <see cref="LastLevelCacheBytes"/>.</param>
    /// <param name="accesses">Dependent accesses per size and pass.</param>
    public static long EffectiveCacheBytes(long nominalBytes, int accesses = 100_000)
    {
        if (nominalBytes < 2 << 20)
            throw new ArgumentOutOfRangeException(nameof(nominalBytes), nominalBytes, "The nominal cache must be at least 2 MiB.");
        var sizes = new List<long>();
        for (long size = 1 << 20; size <= 2 * nominalBytes; size *= 2) sizes.Add(size);
        var latency = sizes.Select(size => Measure((int)(size / sizeof(ulong)), accesses, passes: 3).DependentNs).ToArray();
        double half = (latency[0] + latency[^1]) / 2;
        for (int i = 1; i < sizes.Count; i++)
        {
            if (latency[i] < half) continue;
            double fraction = (half - latency[i - 1]) / Math.Max(latency[i] - latency[i - 1], 1e-9);
            double log2 = Math.Log2(sizes[i - 1]) + Math.Clamp(fraction, 0, 1);
            return Math.Min(nominalBytes, (long)Math.Pow(2, log2));
        }
        return nominalBytes;
    }

    /// <summary>The last-level cache of CPU 0 in bytes, from Linux's sysfs (32 MiB when it cannot be read).</summary>
    public static long LastLevelCacheBytes()
    {
        long best = 0;
        for (int i = 0; i < 8; i++)
        {
            string path = $"/sys/devices/system/cpu/cpu0/cache/index{i}/size";
            if (!File.Exists(path)) continue;
            string text = File.ReadAllText(path).Trim();
            long unit = text.EndsWith('K') ? 1024 : text.EndsWith('M') ? 1 << 20 : 1;
            if (long.TryParse(text.TrimEnd('K', 'M'), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                best = Math.Max(best, value * unit);
        }
        return best > 0 ? best : 32L << 20;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// Batched lower bounds that hide memory latency: a group of probes advances through its searches in lock step and
/// each probe prefetches the line it will read next while the others work (the "interleaved / group prefetching"
/// technique). Answers equal <see cref="LowerBound.Reference"/>.
/// </summary>
public static class BatchedSearch
{
    /// <summary>Probes per group: enough independent misses in flight to cover DRAM latency.</summary>
    public const int Group = 16;

    /// <summary>
    /// Key arrays up to this many bytes are searched by a plain loop of single lookups: they live in the caches, where
    /// the out-of-order core overlaps neighbouring searches by itself and lock-step groups only add work (measured:
    /// benchmarks/README.md, "batched lookups").
    /// </summary>
    public const long CacheResidentBytes = 1L << 20;

    /// <summary><see cref="BatchStrategy.Loop"/> for key arrays of at most <see cref="CacheResidentBytes"/>, else
    /// <see cref="BatchStrategy.Interleaved"/>.</summary>
    public static BatchStrategy ByDataSize(int keyCount) =>
        (long)keyCount * sizeof(ulong) <= CacheResidentBytes ? BatchStrategy.Loop : BatchStrategy.Interleaved;

    /// <summary>Prefetches the cache line holding <paramref name="address"/> into all cache levels (no-op off x86).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(void* address)
    {
        if (Sse.IsSupported) Sse.Prefetch0(address);
    }

    /// <summary>
    /// Lock-step branch-free binary search of every probe over the whole of <paramref name="keys"/>. The compare is a
    /// flag (<see cref="LowerBound.Less"/>): written as a ternary it compiled to a branch inside the loop, and each
    /// mispredicted step on a line still in flight discarded the group's work queued behind it.
    /// </summary>
    public static unsafe void Interleaved(ulong[] keys, ReadOnlySpan<ulong> probes, Span<int> positions)
    {
        int n = keys.Length;
        if (n == 0) { positions[..probes.Length].Clear(); return; }
        int* first = stackalloc int[Group];
        fixed (ulong* k = keys)
        fixed (ulong* p = probes)
        {
            for (int s = 0; s < probes.Length; s += Group)
            {
                int g = Math.Min(Group, probes.Length - s);
                ulong* q = p + s;
                for (int j = 0; j < g; j++) first[j] = 0;
                int len = n;
                while (len > 1)
                {
                    int half = len >> 1;
                    len -= half;
                    int next = (len >> 1) - 1;
                    for (int j = 0; j < g; j++)
                    {
                        int f = first[j];
                        f += half & -LowerBound.Less(k[f + half - 1], q[j]);
                        first[j] = f;
                        Prefetch(k + f + next);
                    }
                }
                for (int j = 0; j < g; j++) positions[s + j] = first[j] + LowerBound.Less(k[first[j]], q[j]);
            }
        }
    }
}

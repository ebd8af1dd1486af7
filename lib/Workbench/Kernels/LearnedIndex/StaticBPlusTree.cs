using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// A static, cache-conscious B+tree over sorted keys (the paper's baseline). The sorted key array is the leaf level,
/// cut into pages of <see cref="PageSize"/> keys; each inner level stores, for every page (node) below it, that
/// page's largest key, again grouped into pages. A lookup walks one page per level, searching each page with a
/// branch-free halving followed by a vector count. Inner levels are contiguous arrays (no pointers): child i of
/// node j is simply page j·P + i of the level below.
/// </summary>
public sealed class StaticBPlusTree : ISortedIndex
{
    /// <summary>Smallest allowed page size, in keys.</summary>
    public const int MinPageSize = 2;

    /// <summary>Largest allowed page size, in keys.</summary>
    public const int MaxPageSize = 1 << 16;

    readonly ulong[][] _levels; // _levels[0] is the level just above the keys; the last level is the root page.
    readonly int _pageSize;

    /// <summary>Builds the tree in O(n / P) time; <paramref name="validate"/> = false skips the sortedness check.</summary>
    public StaticBPlusTree(ulong[] keys, int pageSize = 128, bool validate = true)
    {
        if (pageSize < MinPageSize || pageSize > MaxPageSize)
            throw new ArgumentOutOfRangeException(null, $"B+tree page size {pageSize} is out of range: " +
                $"it must be in [{MinPageSize}, {MaxPageSize}] keys (the paper uses 16 … 4096).");
        IndexInput.Check(keys, "The B+tree", checkSorted: validate);
        Keys = keys;
        _pageSize = pageSize;
        var levels = new List<ulong[]>();
        ReadOnlySpan<ulong> below = keys;
        while (below.Length > pageSize)
        {
            int pages = (below.Length + pageSize - 1) / pageSize;
            var level = new ulong[pages];
            for (int i = 0; i < pages; i++) level[i] = below[Math.Min((i + 1) * pageSize, below.Length) - 1];
            levels.Add(level);
            below = level;
        }
        _levels = [.. levels];
        Strategy = BatchedSearch.ByDataSize(keys.Length);
    }

    /// <inheritdoc/>
    public BatchStrategy Strategy { get; }

    /// <summary>Keys per page (node fan-out).</summary>
    public int PageSize => _pageSize;

    /// <summary>The inner levels, bottom first (for <see cref="CacheMissModel"/>).</summary>
    internal ulong[][] Levels => _levels;

    /// <summary>Inner levels above the keys.</summary>
    public int Height => _levels.Length;

    /// <inheritdoc/>
    public string Name => $"B+tree page {_pageSize}";

    /// <inheritdoc/>
    public ulong[] Keys { get; }

    /// <inheritdoc/>
    public long SizeBytes => _levels.Sum(l => (long)l.Length) * sizeof(ulong);

    /// <inheritdoc/>
    public int Find(ulong key)
    {
        var keys = Keys;
        int n = keys.Length;
        if (n == 0 || key > keys[n - 1]) return n;
        int node = 0;
        for (int l = _levels.Length - 1; l >= 0; l--)
        {
            var level = _levels[l];
            int lo = node * _pageSize, hi = Math.Min(lo + _pageSize, level.Length);
            node = LowerBound.Page(ref MemoryMarshal.GetArrayDataReference(level), lo, hi, key);
        }
        int start = node * _pageSize;
        return LowerBound.Page(ref MemoryMarshal.GetArrayDataReference(keys), start, Math.Min(start + _pageSize, n), key);
    }

    /// <inheritdoc/>
    public void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions) => FindMany(probes, positions, Strategy);

    /// <summary>
    /// <see cref="BatchStrategy.Interleaved"/>: groups of <see cref="BatchedSearch.Group"/> probes descend the tree one
    /// level at a time; after a probe picks its child page it prefetches the line that page's first halving step reads,
    /// so the group's misses on a level overlap.
    /// </summary>
    public unsafe void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions, BatchStrategy strategy)
    {
        IndexInput.CheckBatch(probes, positions);
        int n = Keys.Length;
        if (strategy == BatchStrategy.Loop || n == 0)
        {
            for (int i = 0; i < probes.Length; i++) positions[i] = Find(probes[i]);
            return;
        }
        const int group = BatchedSearch.Group;
        int* nodes = stackalloc int[group];
        ulong last = Keys[n - 1];
        for (int s = 0; s < probes.Length; s += group)
        {
            int g = Math.Min(group, probes.Length - s);
            var q = probes.Slice(s, g);
            for (int j = 0; j < g; j++) nodes[j] = q[j] > last ? -1 : 0;
            for (int l = _levels.Length - 1; l >= 0; l--)
            {
                var level = _levels[l];
                var below = l > 0 ? _levels[l - 1] : Keys;
                ref ulong data = ref MemoryMarshal.GetArrayDataReference(level);
                fixed (ulong* next = below)
                {
                    for (int j = 0; j < g; j++)
                    {
                        if (nodes[j] < 0) continue;
                        int lo = nodes[j] * _pageSize;
                        int node = LowerBound.Page(ref data, lo, Math.Min(lo + _pageSize, level.Length), q[j]);
                        nodes[j] = node;
                        int start = node * _pageSize, count = Math.Min(_pageSize, below.Length - start);
                        BatchedSearch.Prefetch(next + start + Math.Max((count >> 1) - 1, 0));
                    }
                }
            }
            ref ulong keys = ref MemoryMarshal.GetArrayDataReference(Keys);
            for (int j = 0; j < g; j++)
            {
                if (nodes[j] < 0) { positions[s + j] = n; continue; }
                int start = nodes[j] * _pageSize;
                positions[s + j] = LowerBound.Page(ref keys, start, Math.Min(start + _pageSize, n), q[j]);
            }
        }
    }
}

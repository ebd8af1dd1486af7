namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// Counts the cache misses a lookup costs by replaying the cache lines its batched (lock-step) search reads through a
/// simulated last-level cache: 16-way set-associative, least recently used, 64-byte lines. The first half of the probes
/// warms the cache; the misses of the second half are averaged. Multiplied by the machine's independent-access time
/// (<see cref="MemoryLimits"/>) this gives the memory bound of a batched lookup: the time its misses take when as many
/// are in flight as the core allows. Prefetches of lines the search then reads count once; the model ignores the
/// private caches and the TLB.
/// </summary>
public static class CacheMissModel
{
    /// <summary>
    /// Mean simulated misses per lookup of <paramref name="index"/>'s lock-step path over <paramref name="probes"/>, or
    /// NaN where that path is not modelled (PGM; an RMI whose windows are galloped rather than bisected).
    /// </summary>
    /// <param name="index">Binary search, B+tree or RMI.</param>
    /// <param name="probes">Keys looked up, in order (at least 2).</param>
    /// <param name="cacheBytes">Simulated cache size, e.g. <see cref="MemoryLimits.LastLevelCacheBytes"/>.</param>
    public static double MissesPerLookup(ISortedIndex index, ReadOnlySpan<ulong> probes, long cacheBytes)
    {
        if (probes.Length < 2) throw new ArgumentException($"The miss model needs at least 2 probes, got {probes.Length}.");
        if (index is PiecewiseLinearIndex) return double.NaN;
        if (index is RecursiveModelIndex rmi && !rmi.BisectsInLockStep) return double.NaN;
        var cache = new Lru(cacheBytes);
        var lines = new List<long>(64);
        int warm = probes.Length / 2;
        long misses = 0;
        for (int i = 0; i < probes.Length; i++)
        {
            lines.Clear();
            Trace(index, probes[i], lines);
            foreach (long line in lines)
                if (!cache.Touch(line) && i >= warm) misses++;
        }
        return misses / (double)(probes.Length - warm);
    }

    /// <summary>
    /// The first key position of every cache line of the key array that <paramref name="index"/>'s lock-step path reads
    /// for each probe, in order (a line read twice in a row by one probe listed once; other arrays — leaves, B+tree
    /// levels — left out). Read as independent loads (<see cref="MemoryLimits.Gather"/>) they time the lookups' memory
    /// traffic with the dependence between reads taken out: a measured memory bound that needs no cache model.
    /// </summary>
    public static int[] KeyLines(ISortedIndex index, ReadOnlySpan<ulong> probes)
    {
        var result = new List<int>(probes.Length * 4);
        var lines = new List<long>(64);
        foreach (ulong key in probes)
        {
            lines.Clear();
            Trace(index, key, lines);
            long previous = -1;
            foreach (long line in lines)
            {
                if (line >> 40 != 0 || line == previous) continue;
                previous = line;
                result.Add((int)(line * 8));
            }
        }
        return [.. result];
    }

    /// <summary>Line id of element <paramref name="position"/> of array <paramref name="array"/> (8-byte elements).</summary>
    static long Line(int array, long position) => ((long)array << 40) | (position >> 3);

    static void Trace(ISortedIndex index, ulong key, List<long> lines)
    {
        var keys = index.Keys;
        int n = keys.Length;
        switch (index)
        {
            case BinarySearchIndex bs when bs.Kind == BinarySearchKind.Branchy:
                {
                    int lo = 0, hi = n;
                    while (lo < hi)
                    {
                        int mid = (int)(((uint)lo + (uint)hi) >> 1);
                        lines.Add(Line(0, mid));
                        if (keys[mid] < key) lo = mid + 1; else hi = mid;
                    }
                    break;
                }
            case BinarySearchIndex:
                Bisect(keys, 0, 0, n, key, lines);
                break;
            case StaticBPlusTree tree:
                {
                    lines.Add(Line(0, n - 1));
                    if (n == 0 || key > keys[n - 1]) break;
                    var levels = tree.Levels;
                    int node = 0, page = tree.PageSize;
                    for (int l = levels.Length - 1; l >= 0; l--)
                    {
                        int lo = node * page;
                        node = Page(levels[l], l + 1, lo, Math.Min(lo + page, levels[l].Length), key, lines);
                    }
                    Page(keys, 0, node * page, Math.Min(node * page + page, n), key, lines);
                    break;
                }
            case RecursiveModelIndex rmi:
                {
                    var (leaf, lo, hi) = rmi.Window(key);
                    if (leaf < 0) break;
                    lines.Add(Line(99, leaf * 2L)); // 16-byte leaves, four to a line
                    int found = Bisect(keys, 0, lo, hi, key, lines);
                    if (found == lo && lo > 0) lines.Add(Line(0, lo - 1));
                    if (found == hi && hi < n) lines.Add(Line(0, hi));
                    break;
                }
        }
    }

    /// <summary>The reads of <see cref="LowerBound.BranchFree(ref ulong, int, int, ulong)"/> over [lo, hi).</summary>
    static int Bisect(ulong[] keys, int array, int lo, int hi, ulong key, List<long> lines)
    {
        int length = hi - lo;
        if (length <= 0) return lo;
        int first = lo;
        while (length > 1)
        {
            int half = length >> 1;
            lines.Add(Line(array, first + half - 1));
            first = keys[first + half - 1] < key ? first + half : first;
            length -= half;
        }
        lines.Add(Line(array, first));
        return first + (keys[first] < key ? 1 : 0);
    }

    /// <summary>The reads of <see cref="LowerBound.Page"/> over [lo, hi): halving, then every line of the last 32 keys.</summary>
    static int Page(ulong[] data, int array, int lo, int hi, ulong key, List<long> lines)
    {
        int length = hi - lo;
        while (length > 32)
        {
            int half = length >> 1;
            lines.Add(Line(array, lo + half - 1));
            lo = data[lo + half - 1] < key ? lo + half : lo;
            length -= half;
        }
        for (long line = lo >> 3; line <= (lo + Math.Max(length, 1) - 1) >> 3; line++) lines.Add(((long)array << 40) | line);
        int count = 0;
        for (int i = lo; i < lo + length; i++) count += data[i] < key ? 1 : 0;
        return lo + count;
    }

    /// <summary>A 16-way set-associative LRU cache of line ids.</summary>
    sealed class Lru
    {
        const int Ways = 16;
        readonly long[] _tags, _stamps;
        readonly int _sets;
        long _clock;

        public Lru(long bytes)
        {
            _sets = (int)Math.Max(1, bytes / 64 / Ways);
            _tags = new long[_sets * Ways];
            _stamps = new long[_sets * Ways];
            Array.Fill(_tags, -1);
        }

        /// <summary>True on a hit; on a miss the least recently used way of the set takes the line.</summary>
        public bool Touch(long line)
        {
            ulong h = (ulong)line * 0x9E3779B97F4A7C15UL;
            int set = (int)((h >> 32) % (ulong)_sets), base0 = set * Ways, victim = base0;
            _clock++;
            for (int w = base0; w < base0 + Ways; w++)
            {
                if (_tags[w] == line) { _stamps[w] = _clock; return true; }
                if (_stamps[w] < _stamps[victim]) victim = w;
            }
            _tags[victim] = line;
            _stamps[victim] = _clock;
            return false;
        }
    }
}

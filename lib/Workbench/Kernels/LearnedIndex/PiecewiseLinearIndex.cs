using System.Runtime.InteropServices;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// A PGM-style learned index (Ferragina &amp; Vinciguerra, VLDB 2020): the keys' CDF is cut into linear segments,
/// each predicting every one of its keys' positions within ±ε, built in one streaming pass; the segments' first keys
/// are indexed the same way, recursively, until one segment is left. A lookup descends the levels, each a
/// prediction plus a search of 2ε + 3 entries. Segmentation uses the greedy shrinking cone (FITing-tree), which
/// needs at most about twice the segments of PGM's optimal convex-hull algorithm.
/// </summary>
public sealed class PiecewiseLinearIndex : ISortedIndex
{
    sealed record Level(ulong[] FirstKeys, double[] Slopes, double[] Intercepts, int Targets);

    readonly Level[] _levels; // _levels[0] predicts positions in the keys; _levels[^1] has one segment
    readonly int _epsilon;

    /// <summary>Builds the index; <paramref name="epsilon"/> ≥ 1 is the largest prediction error in positions.</summary>
    public PiecewiseLinearIndex(ulong[] keys, int epsilon = 64, bool validate = true)
    {
        if (epsilon <= 0)
            throw new ArgumentOutOfRangeException(null,
                $"PGM error bound ε = {epsilon} is out of range: it must be ≥ 1 position (typical: 16 … 4096).");
        IndexInput.Check(keys, "The PGM index", checkSorted: validate);
        Keys = keys;
        _epsilon = epsilon;
        var levels = new List<Level>();
        // Level 0 is fitted on the distinct keys with their lower-bound (first) positions; upper levels on the
        // segments' first keys (strictly increasing) with their indices — the same rule, so one routine serves both.
        var level = Segment(keys, epsilon);
        levels.Add(level);
        while (level.FirstKeys.Length > 1)
        {
            level = Segment(level.FirstKeys, epsilon);
            levels.Add(level);
        }
        _levels = [.. levels];
    }

    /// <summary>The error bound ε.</summary>
    public int Epsilon => _epsilon;

    /// <summary>Segments at the bottom level.</summary>
    public int Segments => _levels[0].FirstKeys.Length;

    /// <summary>Levels including the bottom one.</summary>
    public int Height => _levels.Length;

    /// <inheritdoc/>
    public string Name => $"PGM ε={_epsilon}";

    /// <inheritdoc/>
    public ulong[] Keys { get; }

    /// <inheritdoc/>
    public long SizeBytes => _levels.Sum(l => (long)l.FirstKeys.Length * 24);

    /// <summary>
    /// Greedy shrinking cone over the points (x, y) = (keys[i], i) for the first i of every run of equal keys: a
    /// segment is anchored at its first point and extended while some slope keeps every point within ±ε.
    /// </summary>
    static Level Segment(ReadOnlySpan<ulong> xs, int epsilon)
    {
        var first = new List<ulong>(); var slopes = new List<double>(); var intercepts = new List<double>();
        int i = 0;
        while (i < xs.Length)
        {
            ulong x0 = xs[i]; int y0 = i;
            double lo = 0, hi = double.PositiveInfinity;
            int j = i + 1, points = 1;
            for (; j < xs.Length; j++)
            {
                if (xs[j] == xs[j - 1]) continue; // duplicates: only the first position is a lower bound
                double dx = xs[j] - x0;
                double sl = (j - epsilon - y0) / dx, sh = (j + epsilon - y0) / dx;
                if (sl > hi || sh < lo) break;
                lo = Math.Max(lo, sl); hi = Math.Min(hi, sh);
                points++;
            }
            double slope = points == 1 ? 0 : double.IsPositiveInfinity(hi) ? lo : (lo + hi) / 2;
            first.Add(x0); slopes.Add(slope); intercepts.Add(y0);
            i = j;
        }
        return new Level([.. first], [.. slopes], [.. intercepts], xs.Length);
    }

    /// <inheritdoc/>
    public int Find(ulong key)
    {
        int n = Keys.Length;
        if (n == 0) return 0;
        int segment = 0;
        int e = _epsilon + 1;
        for (int l = _levels.Length - 1; l >= 0; l--)
        {
            var level = _levels[l];
            ulong firstKey = level.FirstKeys[segment];
            double dx = key >= firstKey ? (double)(key - firstKey) : -(double)(firstKey - key);
            double pred = level.Intercepts[segment] + level.Slopes[segment] * dx;
            int p = (int)Math.Clamp((long)pred, 0, level.Targets - 1);
            int lo = Math.Max(p - e, 0), hi = Math.Min(p + e + 1, level.Targets);
            if (l == 0)
            {
                ref ulong data = ref MemoryMarshal.GetArrayDataReference(Keys);
                return LowerBound.Guard(ref data, n, lo, hi, LowerBound.BranchFree(ref data, lo, hi, key), key);
            }
            // Next segment: the last one whose first key is ≤ key (segment 0 when key precedes them all).
            var below = _levels[l - 1].FirstKeys;
            ref ulong firsts = ref MemoryMarshal.GetArrayDataReference(below);
            if (key == ulong.MaxValue) { segment = below.Length - 1; continue; }
            int upper = LowerBound.Guard(ref firsts, below.Length, lo, hi, LowerBound.BranchFree(ref firsts, lo, hi, key + 1), key + 1);
            segment = Math.Max(upper - 1, 0);
        }
        return 0; // unreachable: level 0 returns
    }

    /// <inheritdoc/>
    public void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions) => FindMany(probes, positions, Strategy);

    /// <summary>The PGM index has no lock-step path: it always loops (each level's search is over 2ε + 3 entries).</summary>
    public BatchStrategy Strategy => BatchStrategy.Loop;

    /// <inheritdoc/>
    public void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions, BatchStrategy strategy)
    {
        IndexInput.CheckBatch(probes, positions);
        for (int i = 0; i < probes.Length; i++) positions[i] = Find(probes[i]);
    }
}

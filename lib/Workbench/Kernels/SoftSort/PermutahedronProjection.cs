using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Workbench.Kernels.SoftSort;

/// <summary>
/// Soft sort and soft rank by projection onto the permutahedron (Blondel, Teboul, Berthet &amp; Djolonga, ICML 2020),
/// batched over rows: rows are independent and run in parallel. The projection reduces to one sort plus exact
/// isotonic regression by PAV (<see cref="IsotonicRegression"/>): O(n log n) time, O(n) memory per row; the backward
/// pass is O(n) from the block structure. All arithmetic is in float64.
/// </summary>
/// <remarks>
/// Definitions (paper eq. 5–6, ρ = (n, n−1, …, 1)): soft rank <c>r(θ) = P(θ/ε, ρ)</c> (KL: <c>exp P_E(θ/ε, log ρ)</c>);
/// soft sort <c>s(θ) = P(ρ/ε, θ)</c>. Bad input (NaN or infinite values, ε ≤ 0, empty rows, values/ε overflowing)
/// throws <see cref="ArgumentException"/> with one sentence naming the value and the allowed range.
/// </remarks>
public static class PermutahedronProjection
{
    /// <summary>Soft sort of each row of a row-major batch (<paramref name="values"/>.Length = rows × n).</summary>
    public static SoftSortResult Sort(ReadOnlySpan<double> values, int n, SoftSortOptions? options = null) =>
        Compute(values, n, options ?? new SoftSortOptions(), rank: false);

    /// <summary>Soft rank of each row of a row-major batch (<paramref name="values"/>.Length = rows × n).</summary>
    public static SoftSortResult Rank(ReadOnlySpan<double> values, int n, SoftSortOptions? options = null) =>
        Compute(values, n, options ?? new SoftSortOptions(), rank: true);

    /// <summary>Soft sort of one row.</summary>
    public static double[] Sort(ReadOnlySpan<double> values, double epsilon = 1.0, SortDirection direction = SortDirection.Ascending,
        SoftRegularizer regularizer = SoftRegularizer.L2) => Sort(values, values.Length, new(epsilon, direction, regularizer)).Values;

    /// <summary>Soft rank of one row.</summary>
    public static double[] Rank(ReadOnlySpan<double> values, double epsilon = 1.0, SortDirection direction = SortDirection.Ascending,
        SoftRegularizer regularizer = SoftRegularizer.L2) => Rank(values, values.Length, new(epsilon, direction, regularizer)).Values;

    /// <summary>Rows × n below which rows are processed on the calling thread.</summary>
    internal const int ParallelThreshold = 16_384;

    static SoftSortResult Compute(ReadOnlySpan<double> values, int n, SoftSortOptions options, bool rank)
    {
        SoftSortChecks.Arguments(values.Length, n, options);
        SoftSortChecks.Finite(values, "values", n);
        int rows = values.Length / n;
        SoftSortChecks.Scaled(values, options, n);
        var result = new SoftSortResult(rows, n, options, rank);
        // Parallel.For needs an array, not a span: a pooled copy of the input.
        var input = ArrayPool<double>.Shared.Rent(values.Length);
        try
        {
            values.CopyTo(input);
            if (rows == 1 || (long)rows * n < ParallelThreshold)
                for (int r = 0; r < rows; r++) result.ForwardRow(input, r);
            else
                Parallel.For(0, rows, r => result.ForwardRow(input, r));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(input);
        }
        SoftSortChecks.FiniteOutput(result.Values, options, rank);
        return result;
    }

    /// <summary>
    /// Writes into <paramref name="perm"/> the indices of <paramref name="a"/> sorted by decreasing value (ties by index,
    /// so the order and hence the gradient at ties are deterministic) and into <paramref name="sorted"/> the sorted values.
    /// Rows of <see cref="RadixThreshold"/> values or more use a stable bucket + radix sort (O(n): the sort dominated the
    /// kernel's time and bent its scaling at large n); shorter rows use the comparison sort.
    /// </summary>
    internal static void ArgsortDescending(ReadOnlySpan<double> a, Span<double> sorted, Span<int> perm)
    {
        int n = a.Length;
        if (n >= RadixThreshold)
        {
            RadixArgsortDescending(a, perm);
            for (int i = 0; i < n; i++) sorted[i] = a[perm[i]];
            return;
        }
        for (int i = 0; i < n; i++) { sorted[i] = -a[i]; perm[i] = i; }
        sorted.Sort(perm);
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && sorted[j] == sorted[i]) j++;
            if (j - i > 1) perm[i..j].Sort();
            i = j;
        }
        TensorPrimitives.Negate(sorted, sorted);
    }

    /// <summary>Rows at least this long are sorted by radix.</summary>
    internal const int RadixThreshold = 256;

    /// <summary>
    /// Stable argsort by descending a (ties in index order) in O(n): keys are −a mapped to unsigned integers whose order
    /// is the floating-point order (−0 and +0 made equal first). One counting pass distributes the keys into about n
    /// buckets by their top significant bits (between the row's smallest and largest key), stably; buckets of up to
    /// <see cref="InsertionLimit"/> keys are finished by insertion sort, larger ones (clustered values) by an LSD radix
    /// sort. Random rows need about three passes over the data, where a plain LSD radix sort of 64-bit keys needs up to
    /// eight scatters (the sort was two thirds of the forward pass).
    /// </summary>
    static void RadixArgsortDescending(ReadOnlySpan<double> a, Span<int> perm)
    {
        int n = a.Length;
        int bucketBits = Math.Clamp(BitOperations.Log2((uint)n) + 1, 8, 16), buckets = 1 << bucketBits;
        var keys = ArrayPool<ulong>.Shared.Rent(n);
        var keysOut = ArrayPool<ulong>.Shared.Rent(n);
        var indexOut = ArrayPool<int>.Shared.Rent(n);
        var scratchIndex = ArrayPool<int>.Shared.Rent(n);
        var counts = ArrayPool<int>.Shared.Rent(buckets + 1);
        try
        {
            ulong min = ulong.MaxValue, max = 0;
            for (int i = 0; i < n; i++)
            {
                ulong bits = (ulong)BitConverter.DoubleToInt64Bits(-a[i] + 0.0);
                ulong key = (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
                keys[i] = key;
                min = Math.Min(min, key);
                max = Math.Max(max, key);
            }
            if (min == max)
            {
                for (int i = 0; i < n; i++) perm[i] = i;
                return;
            }
            int shift = Math.Max(0, 64 - BitOperations.LeadingZeroCount(max - min) - bucketBits);
            var count = counts.AsSpan(0, buckets + 1);
            count.Clear();
            for (int i = 0; i < n; i++) count[(int)((keys[i] - min) >> shift) + 1]++;
            for (int d = 1; d <= buckets; d++) count[d] += count[d - 1];
            // count[d] is now the start of bucket d; scatter stably (index order within a bucket).
            for (int i = 0; i < n; i++)
            {
                int position = count[(int)((keys[i] - min) >> shift)]++;
                keysOut[position] = keys[i];
                indexOut[position] = i;
            }
            // count[d] is now the end of bucket d.
            int start = 0;
            for (int d = 0; d < buckets; d++)
            {
                int end = count[d];
                int length = end - start;
                if (length > InsertionLimit)
                    LsdSort(keysOut.AsSpan(start, length), indexOut.AsSpan(start, length),
                        keys.AsSpan(0, length), scratchIndex.AsSpan(0, length));
                else if (length > 1)
                    InsertionSort(keysOut.AsSpan(start, length), indexOut.AsSpan(start, length));
                start = end;
            }
            indexOut.AsSpan(0, n).CopyTo(perm);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
            ArrayPool<ulong>.Shared.Return(keysOut);
            ArrayPool<int>.Shared.Return(indexOut);
            ArrayPool<int>.Shared.Return(scratchIndex);
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    /// <summary>Buckets up to this size are insertion-sorted; larger ones radix-sorted.</summary>
    const int InsertionLimit = 32;

    /// <summary>Stable insertion sort of (key, index) pairs by key (the indices arrive in increasing order).</summary>
    static void InsertionSort(Span<ulong> keys, Span<int> index)
    {
        for (int i = 1; i < keys.Length; i++)
        {
            ulong key = keys[i];
            int item = index[i], j = i - 1;
            while (j >= 0 && keys[j] > key)
            {
                keys[j + 1] = keys[j];
                index[j + 1] = index[j];
                j--;
            }
            keys[j + 1] = key;
            index[j + 1] = item;
        }
    }

    /// <summary>
    /// Stable LSD radix sort (8-bit digits) of (key, index) pairs by key, in place, with scratch of the same length. One
    /// read pass counts all eight digit histograms; a digit that is the same for every key is skipped.
    /// </summary>
    static void LsdSort(Span<ulong> keys, Span<int> index, Span<ulong> scratchKeys, Span<int> scratchIndex)
    {
        int n = keys.Length;
        Span<int> counts = stackalloc int[8 * 256];
        counts.Clear();
        foreach (ulong key in keys)
            for (int pass = 0; pass < 8; pass++) counts[256 * pass + (int)((key >> (8 * pass)) & 0xff)]++;
        Span<ulong> fromKeys = keys, toKeys = scratchKeys;
        Span<int> fromIndex = index, toIndex = scratchIndex;
        bool swapped = false;
        for (int pass = 0; pass < 8; pass++)
        {
            int shift = 8 * pass;
            var offsets = counts.Slice(256 * pass, 256);
            if (offsets[(int)(fromKeys[0] >> shift) & 0xff] == n) continue;
            int running = 0;
            for (int d = 0; d < 256; d++) { int c = offsets[d]; offsets[d] = running; running += c; }
            for (int i = 0; i < n; i++)
            {
                ulong key = fromKeys[i];
                int position = offsets[(int)(key >> shift) & 0xff]++;
                toKeys[position] = key;
                toIndex[position] = fromIndex[i];
            }
            var k = fromKeys;
            fromKeys = toKeys;
            toKeys = k;
            var x = fromIndex;
            fromIndex = toIndex;
            toIndex = x;
            swapped = !swapped;
        }
        if (swapped)
        {
            fromKeys.CopyTo(keys);
            fromIndex.CopyTo(index);
        }
    }
}

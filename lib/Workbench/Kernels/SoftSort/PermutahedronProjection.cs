using System.Buffers;
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
    /// Rows of <see cref="RadixThreshold"/> values or more use a stable LSD radix sort (O(n): the sort dominated the
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
    /// Stable LSD radix sort (8-bit digits) of the indices by ascending −a, i.e. descending a, ties in index order.
    /// Keys are −a mapped to unsigned integers whose order is the floating-point order (−0 and +0 made equal first);
    /// a pass whose digit is the same for every key is skipped (values of one sign and magnitude share their top bytes).
    /// </summary>
    static void RadixArgsortDescending(ReadOnlySpan<double> a, Span<int> perm)
    {
        int n = a.Length;
        var keys = ArrayPool<ulong>.Shared.Rent(n);
        var keysOut = ArrayPool<ulong>.Shared.Rent(n);
        var index = ArrayPool<int>.Shared.Rent(n);
        var indexOut = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                ulong bits = (ulong)BitConverter.DoubleToInt64Bits(-a[i] + 0.0);
                keys[i] = (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
                index[i] = i;
            }
            Span<int> offsets = stackalloc int[256];
            for (int shift = 0; shift < 64; shift += 8)
            {
                offsets.Clear();
                for (int i = 0; i < n; i++) offsets[(int)(keys[i] >> shift) & 0xff]++;
                if (offsets[(int)(keys[0] >> shift) & 0xff] == n) continue;
                int running = 0;
                for (int d = 0; d < 256; d++) { int count = offsets[d]; offsets[d] = running; running += count; }
                for (int i = 0; i < n; i++)
                {
                    int position = offsets[(int)(keys[i] >> shift) & 0xff]++;
                    keysOut[position] = keys[i];
                    indexOut[position] = index[i];
                }
                (keys, keysOut) = (keysOut, keys);
                (index, indexOut) = (indexOut, index);
            }
            index.AsSpan(0, n).CopyTo(perm);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
            ArrayPool<ulong>.Shared.Return(keysOut);
            ArrayPool<int>.Shared.Return(index);
            ArrayPool<int>.Shared.Return(indexOut);
        }
    }
}

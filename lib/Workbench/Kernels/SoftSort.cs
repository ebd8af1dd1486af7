using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>Order of a soft sort or soft rank.</summary>
public enum SortDirection
{
    /// <summary>Smallest first; the largest value gets rank n.</summary>
    Ascending,
    /// <summary>Largest first; the largest value gets rank 1.</summary>
    Descending,
}

/// <summary>Settings of a soft sort or soft rank.</summary>
/// <param name="Epsilon">Regularisation strength ε &gt; 0: ε → 0 gives the hard sort/rank, ε → ∞ the mean
/// (log-mean-exp for a KL sort). It acts on the values' scale: see the notebook's guidance on choosing it.</param>
/// <param name="Direction">Ascending (the default, as in the paper's reference code) or descending.</param>
/// <param name="Regularizer">L2 (quadratic) or KL (entropic).</param>
public sealed record SoftSortOptions(double Epsilon = 1.0, SortDirection Direction = SortDirection.Ascending,
    SoftRegularizer Regularizer = SoftRegularizer.L2);

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
public static class SoftSort
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

/// <summary>
/// The output of a batched soft sort or soft rank, with what its backward pass needs (permutation, PAV blocks, and
/// for KL the sorted values): O(n) memory per row.
/// </summary>
public sealed class SoftSortResult
{
    readonly int[] _perm;
    readonly int[] _blockEnd;
    readonly int[] _blocks;
    readonly double[] _sorted;
    readonly double[] _aggregate;

    internal SoftSortResult(int rows, int n, SoftSortOptions options, bool rank)
    {
        Rows = rows;
        Length = n;
        Options = options;
        IsRank = rank;
        // Uninitialised: the forward pass writes every element that is ever read (block arrays up to the block count).
        Values = GC.AllocateUninitializedArray<double>(rows * n);
        _perm = GC.AllocateUninitializedArray<int>(rows * n);
        _blockEnd = GC.AllocateUninitializedArray<int>(rows * n);
        _blocks = new int[rows];
        _sorted = GC.AllocateUninitializedArray<double>(rows * n);
        _aggregate = GC.AllocateUninitializedArray<double>(rows * n);
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Values per row (n).</summary>
    public int Length { get; }

    /// <summary>The settings used.</summary>
    public SoftSortOptions Options { get; }

    /// <summary>True for soft rank, false for soft sort.</summary>
    public bool IsRank { get; }

    /// <summary>The soft sorted values or soft ranks, row-major (rows × n).</summary>
    public double[] Values { get; }

    /// <summary>Number of PAV blocks in a row (n blocks: the result equals the hard sort/rank there, and a soft rank's gradient is 0).</summary>
    public int BlockCount(int row) => _blocks[row];

    /// <summary>
    /// The vector–Jacobian product: the gradient with respect to the input values, given the gradient with respect to
    /// <see cref="Values"/> (both rows × n). O(n) per row, rows in parallel.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length, or the incoming gradient holds NaN or infinite values.</exception>
    public void Backward(ReadOnlySpan<double> gradOutput, Span<double> gradInput)
    {
        if (gradOutput.Length != Values.Length || gradInput.Length != Values.Length)
            throw new ArgumentException($"The gradients have {gradOutput.Length} and {gradInput.Length} values; both must have rows × n = {Values.Length}.");
        SoftSortChecks.Finite(gradOutput, "incoming gradient", Length);
        // Parallel.For needs arrays, not spans: pooled copies of the incoming gradient and of the result.
        int length = Values.Length;
        var g = ArrayPool<double>.Shared.Rent(length);
        var result = ArrayPool<double>.Shared.Rent(length);
        try
        {
            gradOutput.CopyTo(g);
            if (Rows == 1 || (long)Rows * Length < SoftSort.ParallelThreshold)
                for (int r = 0; r < Rows; r++) BackwardRow(g, result, r);
            else
                Parallel.For(0, Rows, r => BackwardRow(g, result, r));
            result.AsSpan(0, length).CopyTo(gradInput);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(g);
            ArrayPool<double>.Shared.Return(result);
        }
    }

    /// <summary>The vector–Jacobian product as a new array; see <see cref="Backward(ReadOnlySpan{double}, Span{double})"/>.</summary>
    public double[] Backward(ReadOnlySpan<double> gradOutput)
    {
        var grad = GC.AllocateUninitializedArray<double>(Values.Length);
        Backward(gradOutput, grad);
        return grad;
    }

    internal void ForwardRow(double[] input, int row)
    {
        int n = Length, offset = row * n;
        var reg = Options.Regularizer;
        var x = input.AsSpan(offset, n);
        var perm = _perm.AsSpan(offset, n);
        var sorted = _sorted.AsSpan(offset, n);
        var blockEnd = _blockEnd.AsSpan(offset, n);
        var aggregate = _aggregate.AsSpan(offset, n);
        var output = Values.AsSpan(offset, n);
        double[] rented = ArrayPool<double>.Shared.Rent(3 * n);
        try
        {
            var a = rented.AsSpan(0, n);
            var other = rented.AsSpan(n, n);
            var outSorted = rented.AsSpan(2 * n, n);
            if (IsRank)
            {
                // r(θ) = P(a, ρ) with a = ±θ/ε; s = a sorted decreasingly, w = ρ (L2) or log ρ (KL).
                double scale = (Options.Direction == SortDirection.Ascending ? 1.0 : -1.0) / Options.Epsilon;
                TensorPrimitives.Multiply(x, scale, a);
                SoftSort.ArgsortDescending(a, sorted, perm);
                for (int i = 0; i < n; i++) other[i] = reg == SoftRegularizer.L2 ? n - i : Math.Log(n - i);
                // aggregate keeps aggS (needed for the KL backward); aggW goes to scratch `a`, no longer needed.
                _blocks[row] = Pav.Forward(sorted, other, reg, outSorted, blockEnd, aggregate, a);
                if (reg == SoftRegularizer.KL) TensorPrimitives.Exp(outSorted, outSorted);
                for (int i = 0; i < n; i++) output[perm[i]] = outSorted[i];
            }
            else
            {
                // s(θ) = sign · P(ρ/ε, a) with a = sign · θ, sign = −1 for ascending; w = a sorted decreasingly.
                double sign = Options.Direction == SortDirection.Ascending ? -1.0 : 1.0;
                TensorPrimitives.Multiply(x, sign, a);
                SoftSort.ArgsortDescending(a, sorted, perm);
                for (int i = 0; i < n; i++) other[i] = (n - i) / Options.Epsilon;
                _blocks[row] = Pav.Forward(other, sorted, reg, outSorted, blockEnd, a, aggregate);
                TensorPrimitives.Multiply(outSorted, sign, output);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    void BackwardRow(double[] g, double[] result, int row)
    {
        int n = Length, offset = row * n;
        var reg = Options.Regularizer;
        var perm = _perm.AsSpan(offset, n);
        var sorted = _sorted.AsSpan(offset, n);
        var blockEnd = _blockEnd.AsSpan(offset, n);
        var aggregate = _aggregate.AsSpan(offset, n);
        var gRow = g.AsSpan(offset, n);
        var outRow = result.AsSpan(offset, n);
        double[] rented = ArrayPool<double>.Shared.Rent(n);
        try
        {
            var gSorted = rented.AsSpan(0, n);
            if (IsRank)
            {
                var rank = Values.AsSpan(offset, n);
                // KL: r = exp(P), so the gradient reaching P is g ⊙ r.
                for (int i = 0; i < n; i++)
                {
                    int p = perm[i];
                    gSorted[i] = reg == SoftRegularizer.KL ? gRow[p] * rank[p] : gRow[p];
                }
                Pav.VjpS(gSorted, sorted, reg, blockEnd, aggregate, _blocks[row], gSorted);
                double scale = (Options.Direction == SortDirection.Ascending ? 1.0 : -1.0) / Options.Epsilon;
                for (int i = 0; i < n; i++) outRow[perm[i]] = gSorted[i] * scale;
            }
            else
            {
                // sign² = 1: the output's sign and the input's sign cancel.
                Pav.VjpW(gRow, sorted, reg, blockEnd, aggregate, _blocks[row], gSorted);
                for (int i = 0; i < n; i++) outRow[perm[i]] = gSorted[i];
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }
}

/// <summary>The one-sentence input checks shared by the CPU, GPU and autograd paths.</summary>
internal static class SoftSortChecks
{
    public static void Arguments(int length, int n, SoftSortOptions options)
    {
        double eps = options.Epsilon;
        if (!(eps > 0) || double.IsInfinity(eps))
            throw new ArgumentException($"epsilon = {Format(eps)} is out of range: the regularisation strength ε must be a finite number > 0 (e.g. 0.1 to 10 for unit-scale values).");
        if (n <= 0 || length == 0)
            throw new ArgumentException($"The rows are empty (n = {(length == 0 ? 0 : n)}): soft sort and soft rank need at least 1 value per row.");
        if (length % n != 0)
            throw new ArgumentException($"{length} values do not split into rows of n = {n}: the length must be a multiple of n.");
        if (!Enum.IsDefined(options.Direction)) throw new ArgumentException($"direction = {options.Direction} is not valid: use Ascending or Descending.");
        if (!Enum.IsDefined(options.Regularizer)) throw new ArgumentException($"regularizer = {options.Regularizer} is not valid: use L2 or KL.");
    }

    public static void Finite(ReadOnlySpan<double> values, string what, int n)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"The {what} hold {Format(values[i])} at {Where(i, n)}: every value must be a finite number (no NaN or ±infinity).");
    }

    public static void Scaled(ReadOnlySpan<double> values, SoftSortOptions options, int n)
    {
        double max = TensorPrimitives.MaxMagnitude<double>(values);
        double scaled = Math.Abs(max) / options.Epsilon;
        if (!double.IsFinite(scaled) || !double.IsFinite(n / options.Epsilon))
            throw new ArgumentException($"values / epsilon overflows (max |value| = {Format(Math.Abs(max))}, epsilon = {Format(options.Epsilon)}): " +
                $"epsilon must be at least max |value| / 1e300 and n / 1e300; rescale the values or raise epsilon.");
    }

    public static void FiniteOutput(double[] values, SoftSortOptions options, bool rank)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"The {(rank ? "soft rank" : "soft sort")} with {options.Regularizer} and epsilon = {Format(options.Epsilon)} " +
                    $"is undefined for these inputs (value {i} became {Format(values[i])}): raise epsilon or use the L2 regulariser.");
    }

    static string Where(int i, int n) => n > 0 ? $"row {i / n}, position {i % n}" : $"position {i}";

    static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

using System.Buffers;
using System.Numerics.Tensors;

namespace Workbench.Kernels.SoftSort;

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

    /// <summary>Number of PAV blocks in a row (n blocks: the result equals the hard sort/rank there, and a soft rank's
    /// gradient is 0).</summary>
    public int BlockCount(int row) => _blocks[row];

    /// <summary>
    /// The vector–Jacobian product: the gradient with respect to the input values, given the gradient with respect to
    /// <see cref="Values"/> (both rows × n). O(n) per row, rows in parallel.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length, or the incoming gradient holds NaN or infinite values.</exception>
    public void Backward(ReadOnlySpan<double> gradOutput, Span<double> gradInput)
    {
        if (gradOutput.Length != Values.Length || gradInput.Length != Values.Length)
            throw new ArgumentException(
                $"The gradients have {gradOutput.Length} and {gradInput.Length} values; both must have rows × n = {Values.Length}.");
        SoftSortChecks.Finite(gradOutput, "incoming gradient", Length);
        // Parallel.For needs arrays, not spans: pooled copies of the incoming gradient and of the result.
        int length = Values.Length;
        var g = ArrayPool<double>.Shared.Rent(length);
        var result = ArrayPool<double>.Shared.Rent(length);
        try
        {
            gradOutput.CopyTo(g);
            if (Rows == 1 || (long)Rows * Length < PermutahedronProjection.ParallelThreshold)
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
                PermutahedronProjection.ArgsortDescending(a, sorted, perm);
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
                PermutahedronProjection.ArgsortDescending(a, sorted, perm);
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

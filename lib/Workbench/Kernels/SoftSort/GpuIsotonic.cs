using ILGPU;
using ILGPU.Runtime;
using Workbench.Kernels.Gpu;

namespace Workbench.Kernels.SoftSort;

/// <summary>
/// Batched isotonic regression by PAV on an ILGPU accelerator (picked by <see cref="Accelerators"/> unless given):
/// one thread per row, forward and backward, the same arithmetic as the CPU path. On the device the rows are stored
/// interleaved (element i of row r at i·rows + r), so the threads of a warp, which all step through i together, read
/// and write neighbouring addresses; the API stays row-major and transposes on the device. PAV is sequential within a
/// row, so this pays for large batches of moderate rows; the per-row sort stays with the caller.
/// </summary>
public sealed class GpuIsotonic : IDisposable
{
    readonly OwnedAccelerator? _owned;
    readonly Accelerator _accelerator;
    readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<double>, ArrayView<double>,
        ArrayView<int>, int, int> _forward;
    readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<double>, ArrayView<int>, ArrayView<double>,
        int, int> _backward;
    readonly Action<Index1D, ArrayView<double>, ArrayView<double>, int, int> _transposeDouble;
    readonly Action<Index1D, ArrayView<int>, ArrayView<int>, int, int> _transposeInt;

    /// <summary>Uses an accelerator the caller owns.</summary>
    public GpuIsotonic(Accelerator accelerator) : this(accelerator, null) { }

    GpuIsotonic(Accelerator accelerator, OwnedAccelerator? owned)
    {
        _accelerator = accelerator;
        _owned = owned;
        _forward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<int>,
            ArrayView<double>, ArrayView<double>, ArrayView<int>, int, int>(ForwardKernel);
        _backward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<int>,
            ArrayView<double>, ArrayView<int>, ArrayView<double>, int, int>(BackwardKernel);
        _transposeDouble = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int>(
            TransposeKernel);
        _transposeInt = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, int, int>(TransposeKernel);
    }

    /// <summary>
    /// On its own accelerator: ILGPU's CPU accelerator when <paramref name="preferCpu"/>, otherwise CUDA, else an OpenCL
    /// GPU, else the CPU accelerator (<see cref="Accelerators.Open(AcceleratorChoice)"/>).
    /// </summary>
    public static GpuIsotonic Create(bool preferCpu = false) => Create(preferCpu ? AcceleratorChoice.Cpu : AcceleratorChoice.Auto);

    /// <summary>On its own accelerator of the kind <paramref name="choice"/> names.</summary>
    public static GpuIsotonic Create(AcceleratorChoice choice)
    {
        var owned = Accelerators.Open(choice);
        try
        {
            return new GpuIsotonic(owned.Accelerator, owned);
        }
        catch
        {
            owned.Dispose();
            throw;
        }
    }

    /// <summary>The accelerator's name, e.g. "NVIDIA H100" or "CPUAccelerator".</summary>
    public string DeviceName => _accelerator.Name;

    /// <summary>True when running on a CUDA device.</summary>
    public bool IsCuda => _accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>
    /// PAV on every row of <paramref name="s"/>, <paramref name="w"/> (rows × n, row-major), as <c>IsotonicRegression</c>:
    /// writes <c>out = s − v</c>, the blocks' exclusive ends, block counts and block aggregates (mean or logsumexp).
    /// </summary>
    public void Forward(ReadOnlySpan<double> s, ReadOnlySpan<double> w, int n, SoftRegularizer regularizer,
        Span<double> output, Span<int> blockEnd, Span<int> blocks, Span<double> aggS, Span<double> aggW)
    {
        using var run = new ForwardRun(this, s.ToArray(), w.ToArray(), n, regularizer);
        run.Launch();
        _accelerator.Synchronize();
        run.Output.GetAsArray1D().CopyTo(output);
        run.BlockEnd.GetAsArray1D().CopyTo(blockEnd);
        run.Blocks.GetAsArray1D().CopyTo(blocks);
        run.AggS.GetAsArray1D().CopyTo(aggS);
        run.AggW.GetAsArray1D().CopyTo(aggW);
    }

    /// <summary>
    /// The vector–Jacobian product of every row with respect to s (<paramref name="withRespectToS"/>) or w, from the
    /// blocks of <see cref="Forward"/>; <paramref name="x"/> is s or w respectively and <paramref name="aggregate"/> its block aggregates.
    /// </summary>
    public void Backward(ReadOnlySpan<double> g, ReadOnlySpan<double> x, ReadOnlySpan<int> blockEnd, ReadOnlySpan<double> aggregate,
        ReadOnlySpan<int> blocks, int n, SoftRegularizer regularizer, bool withRespectToS, Span<double> grad)
    {
        int rows = g.Length / n;
        using var gBuf = Interleaved(g, rows, n, _transposeDouble);
        using var xBuf = Interleaved(x, rows, n, _transposeDouble);
        using var aggBuf = Interleaved(aggregate, rows, n, _transposeDouble);
        using var endBuf = Interleaved(blockEnd, rows, n, _transposeInt);
        using var blocksBuf = _accelerator.Allocate1D(blocks.ToArray());
        using var gradBuf = _accelerator.Allocate1D<double>(g.Length);
        using var gradRows = _accelerator.Allocate1D<double>(g.Length);
        _backward(rows, gBuf.View, xBuf.View, endBuf.View, aggBuf.View, blocksBuf.View, gradBuf.View, rows,
            (int)regularizer * 2 + (withRespectToS ? 1 : 0));
        _transposeDouble(g.Length, gradBuf.View, gradRows.View, n, rows);
        _accelerator.Synchronize();
        gradRows.GetAsArray1D().CopyTo(grad);
    }

    /// <summary>Uploads a row-major rows × n matrix and returns it interleaved (n × rows) on the device.</summary>
    MemoryBuffer1D<T, Stride1D.Dense> Interleaved<T>(ReadOnlySpan<T> rowMajor, int rows, int n,
        Action<Index1D, ArrayView<T>, ArrayView<T>, int, int> transpose) where T : unmanaged
    {
        using var upload = _accelerator.Allocate1D(rowMajor.ToArray());
        var interleaved = _accelerator.Allocate1D<T>(rowMajor.Length);
        transpose(rowMajor.Length, upload.View, interleaved.View, rows, n);
        _accelerator.Synchronize();
        return interleaved;
    }

    /// <summary>
    /// Runs <paramref name="iterations"/> forward passes on data already on the device and returns seconds per pass (for
    /// the GPU check); a pass includes the transposes into and out of the interleaved layout.
    /// </summary>
    public double TimeForward(double[] s, double[] w, int n, SoftRegularizer regularizer, int iterations)
    {
        using var run = new ForwardRun(this, s, w, n, regularizer);
        run.Launch(); // warm-up (kernel compilation)
        _accelerator.Synchronize();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) run.Launch();
        _accelerator.Synchronize();
        return watch.Elapsed.TotalSeconds / iterations;
    }

    /// <summary>The device buffers of one batched forward pass (row-major inputs and outputs, interleaved work arrays),
    /// and its launch.</summary>
    sealed class ForwardRun : IDisposable
    {
        readonly GpuIsotonic _owner;
        readonly int _rows, _n, _regularizer;
        readonly MemoryBuffer1D<double, Stride1D.Dense> _s, _w, _sT, _wT, _outT, _aggST, _aggWT;
        readonly MemoryBuffer1D<int, Stride1D.Dense> _endT;

        public ForwardRun(GpuIsotonic owner, double[] s, double[] w, int n, SoftRegularizer regularizer)
        {
            var accelerator = owner._accelerator;
            (_owner, _rows, _n, _regularizer) = (owner, s.Length / n, n, (int)regularizer);
            _s = accelerator.Allocate1D(s);
            _w = accelerator.Allocate1D(w);
            _sT = accelerator.Allocate1D<double>(s.Length);
            _wT = accelerator.Allocate1D<double>(s.Length);
            _outT = accelerator.Allocate1D<double>(s.Length);
            _aggST = accelerator.Allocate1D<double>(s.Length);
            _aggWT = accelerator.Allocate1D<double>(s.Length);
            _endT = accelerator.Allocate1D<int>(s.Length);
            Output = accelerator.Allocate1D<double>(s.Length);
            BlockEnd = accelerator.Allocate1D<int>(s.Length);
            AggS = accelerator.Allocate1D<double>(s.Length);
            AggW = accelerator.Allocate1D<double>(s.Length);
            Blocks = accelerator.Allocate1D<int>(_rows);
        }

        public MemoryBuffer1D<double, Stride1D.Dense> Output { get; }
        public MemoryBuffer1D<int, Stride1D.Dense> BlockEnd { get; }
        public MemoryBuffer1D<double, Stride1D.Dense> AggS { get; }
        public MemoryBuffer1D<double, Stride1D.Dense> AggW { get; }
        public MemoryBuffer1D<int, Stride1D.Dense> Blocks { get; }

        public void Launch()
        {
            int length = _rows * _n;
            _owner._transposeDouble(length, _s.View, _sT.View, _rows, _n);
            _owner._transposeDouble(length, _w.View, _wT.View, _rows, _n);
            _owner._forward(_rows, _sT.View, _wT.View, _outT.View, _endT.View, _aggST.View, _aggWT.View, Blocks.View, _n, _regularizer);
            _owner._transposeDouble(length, _outT.View, Output.View, _n, _rows);
            _owner._transposeInt(length, _endT.View, BlockEnd.View, _n, _rows);
            _owner._transposeDouble(length, _aggST.View, AggS.View, _n, _rows);
            _owner._transposeDouble(length, _aggWT.View, AggW.View, _n, _rows);
        }

        public void Dispose()
        {
            foreach (var buffer in new MemoryBuffer[]
                    { _s, _w, _sT, _wT, _outT, _aggST, _aggWT, _endT, Output, BlockEnd, AggS, AggW, Blocks })
                buffer.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _owned?.Dispose();
    }

    /// <summary>dst (cols × rows) = transpose of src (rows × cols); one thread per element, reads coalesced.</summary>
    static void TransposeKernel<T>(Index1D index, ArrayView<T> src, ArrayView<T> dst, int rows, int cols) where T : unmanaged
    {
        int r = index / cols, c = index - r * cols;
        dst[c * rows + r] = src[index];
    }

    // All arrays but `blocks` are interleaved: element i of row r lives at i·rows + r.
    static void ForwardKernel(Index1D row, ArrayView<double> s, ArrayView<double> w, ArrayView<double> output, ArrayView<int> blockEnd,
        ArrayView<double> aggS, ArrayView<double> aggW, ArrayView<int> blocks, int n, int kl)
    {
        int rows = blocks.IntLength;
        int top = -1;
        for (int i = 0; i < n; i++)
        {
            top++;
            int t = top * rows + row;
            blockEnd[t] = i + 1;
            aggS[t] = s[i * rows + row];
            aggW[t] = w[i * rows + row];
            while (top > 0)
            {
                int c = top * rows + row, p = c - rows;
                bool keep;
                if (kl == 0)
                {
                    int startP = top > 1 ? blockEnd[p - rows] : 0;
                    double countP = blockEnd[p] - startP, countC = blockEnd[c] - blockEnd[p];
                    keep = aggS[p] / countP - aggS[c] / countC > aggW[p] / countP - aggW[c] / countC;
                }
                else
                {
                    keep = aggS[p] - aggS[c] > aggW[p] - aggW[c];
                }
                if (keep) break;
                if (kl == 0)
                {
                    aggS[p] += aggS[c];
                    aggW[p] += aggW[c];
                }
                else
                {
                    aggS[p] = DeviceMath.LogAddExp(aggS[p], aggS[c]);
                    aggW[p] = DeviceMath.LogAddExp(aggW[p], aggW[c]);
                }
                blockEnd[p] = blockEnd[c];
                top--;
            }
        }
        int start = 0;
        for (int b = 0; b <= top; b++)
        {
            int at = b * rows + row;
            int end = blockEnd[at];
            if (kl == 0)
            {
                double count = end - start;
                aggS[at] /= count;
                aggW[at] /= count;
            }
            if (end - start == 1) output[start * rows + row] = w[start * rows + row];
            else for (int i = start; i < end; i++) output[i * rows + row] = (s[i * rows + row] - aggS[at]) + aggW[at];
            start = end;
        }
        blocks[row] = top + 1;
    }

    // Interleaved like ForwardKernel. mode: bit 0 = with respect to s (else w), bit 1 = KL.
    static void BackwardKernel(Index1D row, ArrayView<double> g, ArrayView<double> x, ArrayView<int> blockEnd, ArrayView<double> aggregate,
        ArrayView<int> blocks, ArrayView<double> grad, int rows, int mode)
    {
        bool wrtS = (mode & 1) != 0, kl = (mode & 2) != 0;
        int start = 0;
        for (int b = 0; b < blocks[row]; b++)
        {
            int at = b * rows + row;
            int end = blockEnd[at];
            double sum = 0;
            for (int i = start; i < end; i++) sum += g[i * rows + row];
            for (int i = start; i < end; i++)
            {
                int e = i * rows + row;
                double weight = end - start == 1 ? 1.0 : kl ? DeviceMath.Exp(x[e] - aggregate[at]) : 1.0 / (end - start);
                grad[e] = wrtS ? g[e] - weight * sum : weight * sum;
            }
            start = end;
        }
    }
}

using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Workbench.Kernels;

/// <summary>
/// Batched isotonic regression by PAV on an ILGPU accelerator (CUDA when present, otherwise ILGPU's CPU accelerator):
/// one thread per row, forward and backward, the same arithmetic as the CPU path. PAV is sequential within a row,
/// so this pays for large batches of moderate rows; the per-row sort stays with the caller.
/// </summary>
public sealed class GpuIsotonic : IDisposable
{
    readonly Context? _ownedContext;
    readonly Accelerator _accelerator;
    readonly bool _ownsAccelerator;
    readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<double>, ArrayView<double>, ArrayView<int>, int, int> _forward;
    readonly Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<double>, ArrayView<int>, ArrayView<double>, int, int> _backward;

    /// <summary>Uses an accelerator the caller owns.</summary>
    public GpuIsotonic(Accelerator accelerator) : this(accelerator, null, false) { }

    GpuIsotonic(Accelerator accelerator, Context? context, bool owns)
    {
        _accelerator = accelerator;
        _ownedContext = context;
        _ownsAccelerator = owns;
        _forward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<double>, ArrayView<double>, ArrayView<int>, int, int>(ForwardKernel);
        _backward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<double>, ArrayView<int>, ArrayView<double>, int, int>(BackwardKernel);
    }

    /// <summary>
    /// The first CUDA device if there is one (and <paramref name="preferCpu"/> is false), otherwise ILGPU's CPU accelerator.
    /// </summary>
    public static GpuIsotonic Create(bool preferCpu = false)
    {
        var context = Context.Create(builder => builder.Default().EnableAlgorithms().Math(MathMode.Default));
        Accelerator accelerator = !preferCpu && context.GetCudaDevices().Count > 0
            ? context.CreateCudaAccelerator(0)
            : context.CreateCPUAccelerator(0);
        return new GpuIsotonic(accelerator, context, true);
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
        using var gBuf = _accelerator.Allocate1D(g.ToArray());
        using var xBuf = _accelerator.Allocate1D(x.ToArray());
        using var endBuf = _accelerator.Allocate1D(blockEnd.ToArray());
        using var aggBuf = _accelerator.Allocate1D(aggregate.ToArray());
        using var blocksBuf = _accelerator.Allocate1D(blocks.ToArray());
        using var gradBuf = _accelerator.Allocate1D<double>(g.Length);
        _backward(rows, gBuf.View, xBuf.View, endBuf.View, aggBuf.View, blocksBuf.View, gradBuf.View, n, (int)regularizer * 2 + (withRespectToS ? 1 : 0));
        _accelerator.Synchronize();
        gradBuf.GetAsArray1D().CopyTo(grad);
    }

    /// <summary>Runs <paramref name="iterations"/> forward passes on data already on the device and returns seconds per pass (for the GPU check).</summary>
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

    /// <summary>The device buffers of one batched forward pass, and its launch.</summary>
    sealed class ForwardRun : IDisposable
    {
        readonly GpuIsotonic _owner;
        readonly int _rows, _n, _regularizer;
        readonly MemoryBuffer1D<double, Stride1D.Dense> _s, _w;

        public ForwardRun(GpuIsotonic owner, double[] s, double[] w, int n, SoftRegularizer regularizer)
        {
            var accelerator = owner._accelerator;
            (_owner, _rows, _n, _regularizer) = (owner, s.Length / n, n, (int)regularizer);
            _s = accelerator.Allocate1D(s);
            _w = accelerator.Allocate1D(w);
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

        public void Launch() => _owner._forward(_rows, _s.View, _w.View, Output.View, BlockEnd.View, AggS.View, AggW.View, Blocks.View, _n, _regularizer);

        public void Dispose()
        {
            foreach (var buffer in new MemoryBuffer[] { _s, _w, Output, BlockEnd, AggS, AggW, Blocks }) buffer.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsAccelerator) _accelerator.Dispose();
        _ownedContext?.Dispose();
    }

    static void ForwardKernel(Index1D row, ArrayView<double> s, ArrayView<double> w, ArrayView<double> output, ArrayView<int> blockEnd,
        ArrayView<double> aggS, ArrayView<double> aggW, ArrayView<int> blocks, int n, int kl)
    {
        int o = row * n;
        int top = -1;
        for (int i = 0; i < n; i++)
        {
            top++;
            blockEnd[o + top] = i + 1;
            aggS[o + top] = s[o + i];
            aggW[o + top] = w[o + i];
            while (top > 0)
            {
                bool keep;
                if (kl == 0)
                {
                    int startP = top > 1 ? blockEnd[o + top - 2] : 0;
                    double countP = blockEnd[o + top - 1] - startP, countC = blockEnd[o + top] - blockEnd[o + top - 1];
                    keep = aggS[o + top - 1] / countP - aggS[o + top] / countC > aggW[o + top - 1] / countP - aggW[o + top] / countC;
                }
                else
                {
                    keep = aggS[o + top - 1] - aggS[o + top] > aggW[o + top - 1] - aggW[o + top];
                }
                if (keep) break;
                if (kl == 0)
                {
                    aggS[o + top - 1] += aggS[o + top];
                    aggW[o + top - 1] += aggW[o + top];
                }
                else
                {
                    aggS[o + top - 1] = LogAddExp(aggS[o + top - 1], aggS[o + top]);
                    aggW[o + top - 1] = LogAddExp(aggW[o + top - 1], aggW[o + top]);
                }
                blockEnd[o + top - 1] = blockEnd[o + top];
                top--;
            }
        }
        int start = 0;
        for (int b = 0; b <= top; b++)
        {
            int end = blockEnd[o + b];
            if (kl == 0)
            {
                double count = end - start;
                aggS[o + b] /= count;
                aggW[o + b] /= count;
            }
            if (end - start == 1) output[o + start] = w[o + start];
            else for (int i = start; i < end; i++) output[o + i] = (s[o + i] - aggS[o + b]) + aggW[o + b];
            start = end;
        }
        blocks[row] = top + 1;
    }

    // mode: bit 0 = with respect to s (else w), bit 1 = KL.
    static void BackwardKernel(Index1D row, ArrayView<double> g, ArrayView<double> x, ArrayView<int> blockEnd, ArrayView<double> aggregate,
        ArrayView<int> blocks, ArrayView<double> grad, int n, int mode)
    {
        int o = row * n;
        bool wrtS = (mode & 1) != 0, kl = (mode & 2) != 0;
        int start = 0;
        for (int b = 0; b < blocks[row]; b++)
        {
            int end = blockEnd[o + b];
            double sum = 0;
            for (int i = start; i < end; i++) sum += g[o + i];
            for (int i = start; i < end; i++)
            {
                double weight = end - start == 1 ? 1.0 : kl ? XMath.Exp(x[o + i] - aggregate[o + b]) : 1.0 / (end - start);
                grad[o + i] = wrtS ? g[o + i] - weight * sum : weight * sum;
            }
            start = end;
        }
    }

    static double LogAddExp(double a, double b) =>
        a >= b ? a + XMath.Log(1 + XMath.Exp(b - a)) : b + XMath.Log(1 + XMath.Exp(a - b));
}

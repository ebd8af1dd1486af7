using System.Diagnostics;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using Workbench.Kernels.Gpu;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// Batched lower-bound lookups on an ILGPU accelerator (picked by <see cref="Accelerators"/> unless given): one
/// thread per probe, for branch-free binary search over all keys and for an RMI (root, leaf, bounded binary search,
/// then the same edge guard as the CPU path, so the answers are exact and equal the CPU's even where the GPU's
/// fused multiply-adds move a prediction by one). The keys stay on the device between batches.
/// </summary>
public sealed class GpuLookup : IDisposable
{
    readonly OwnedAccelerator? _owned;
    readonly Accelerator _accelerator;
    readonly MemoryBuffer1D<ulong, Stride1D.Dense> _keys;
    readonly Action<Index1D, ArrayView<ulong>, ArrayView<ulong>, ArrayView<int>> _binary;
    readonly Action<Index1D, ArrayView<ulong>, ArrayView<ulong>, ArrayView<int>, ArrayView<double>, ArrayView<RmiLeaf>, RmiGpuScalars> _rmi;
    MemoryBuffer1D<double, Stride1D.Dense>? _rootParameters;
    MemoryBuffer1D<RmiLeaf, Stride1D.Dense>? _leaves;
    RmiGpuScalars _scalars;

    /// <summary>
    /// Uploads sorted keys to an accelerator of its own: ILGPU's CPU accelerator when <paramref name="preferCpu"/>,
    /// otherwise CUDA, else an OpenCL GPU, else the CPU accelerator.
    /// </summary>
    public GpuLookup(ulong[] keys, bool preferCpu = false)
        : this(keys, preferCpu ? AcceleratorChoice.Cpu : AcceleratorChoice.Auto) { }

    /// <summary>Uploads sorted keys to an accelerator of its own of the kind <paramref name="choice"/> names.</summary>
    public GpuLookup(ulong[] keys, AcceleratorChoice choice) : this(keys, null, choice) { }

    /// <summary>Uploads sorted keys to an accelerator the caller owns (and disposes after this lookup).</summary>
    public GpuLookup(ulong[] keys, Accelerator accelerator) : this(keys, accelerator, AcceleratorChoice.Auto) { }

    GpuLookup(ulong[] keys, Accelerator? given, AcceleratorChoice choice)
    {
        IndexInput.Check(keys, "The GPU lookup");
        if (given is null) _owned = Accelerators.Open(choice);
        _accelerator = given ?? _owned!.Accelerator;
        Count = keys.Length;
        try
        {
            _keys = _accelerator.Allocate1D(keys.Length == 0 ? [0UL] : keys);
            _binary = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<ulong>, ArrayView<ulong>, ArrayView<int>>(BinaryKernel);
            _rmi = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<ulong>, ArrayView<ulong>, ArrayView<int>, ArrayView<double>,
                ArrayView<RmiLeaf>, RmiGpuScalars>(RmiKernel);
        }
        catch
        {
            _owned?.Dispose(); // a device out of memory for the keys must not keep its context alive
            throw;
        }
    }

    /// <summary>Number of keys on the device.</summary>
    public int Count { get; }

    /// <summary>The accelerator's name, e.g. "NVIDIA H100 80GB HBM3" or "CPUAccelerator".</summary>
    public string DeviceName => _accelerator.Name;

    /// <summary>True when running on a CUDA device.</summary>
    public bool IsCuda => _accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>Uploads an RMI built over the same keys (its root parameters and leaves).</summary>
    public void Load(RecursiveModelIndex rmi)
    {
        if (rmi.Keys.Length != Count)
            throw new ArgumentException(
                $"The RMI indexes {rmi.Keys.Length} keys but the device holds {Count}; build it over the same keys.");
        _rootParameters?.Dispose();
        _leaves?.Dispose();
        _rootParameters = _accelerator.Allocate1D(rmi.Root.GpuParameters());
        _leaves = _accelerator.Allocate1D(rmi.LeavesCopy());
        _scalars = new RmiGpuScalars(rmi.Keys[0], rmi.Keys[^1], Count, rmi.LeafCount);
    }

    /// <summary>Binary-search lower bounds of every probe; returns the kernel's wall time (upload and download excluded).</summary>
    public TimeSpan BinarySearch(ReadOnlySpan<ulong> probes, Span<int> positions) => Run(probes, positions, rmi: false);

    /// <summary>RMI lower bounds of every probe (call <see cref="Load"/> first); returns the kernel's wall time.</summary>
    public TimeSpan Rmi(ReadOnlySpan<ulong> probes, Span<int> positions)
    {
        if (_leaves is null) throw new InvalidOperationException("No RMI on the device: call Load(rmi) first.");
        return Run(probes, positions, rmi: true);
    }

    TimeSpan Run(ReadOnlySpan<ulong> probes, Span<int> positions, bool rmi)
    {
        IndexInput.CheckBatch(probes, positions);
        if (probes.Length == 0) return TimeSpan.Zero;
        if (Count == 0) { positions[..probes.Length].Clear(); return TimeSpan.Zero; }
        using var probeBuf = _accelerator.Allocate1D(probes.ToArray());
        using var outBuf = _accelerator.Allocate1D<int>(probes.Length);
        _accelerator.Synchronize();
        var watch = Stopwatch.StartNew();
        if (rmi) _rmi(probes.Length, _keys.View, probeBuf.View, outBuf.View, _rootParameters!.View, _leaves!.View, _scalars);
        else _binary(probes.Length, _keys.View, probeBuf.View, outBuf.View);
        _accelerator.Synchronize();
        watch.Stop();
        outBuf.GetAsArray1D().AsSpan().CopyTo(positions);
        return watch.Elapsed;
    }

    static int LowerBoundIn(ArrayView<ulong> keys, int lo, int hi, ulong key)
    {
        int n = hi - lo;
        if (n <= 0) return lo;
        int first = lo;
        while (n > 1)
        {
            int half = n >> 1;
            first = keys[first + half - 1] < key ? first + half : first;
            n -= half;
        }
        return first + (keys[first] < key ? 1 : 0);
    }

    static void BinaryKernel(Index1D i, ArrayView<ulong> keys, ArrayView<ulong> probes, ArrayView<int> result) =>
        result[i] = LowerBoundIn(keys, 0, (int)keys.Length, probes[i]);

    static double RootCdf(ArrayView<double> p, double x)
    {
        // Layout of RootModel.GpuParameters: kind, invRange, invLogRange, c0..c3, hidden, w1 (2H), b1 (H), w2 (H), b2.
        int kind = (int)p[0];
        if (kind == (int)RootModelKind.Linear) return p[3] + p[4] * x;
        if (kind == (int)RootModelKind.LogLinear) return p[3] + p[4] * DeviceMath.Log(1 + x);
        if (kind == (int)RootModelKind.Cubic)
        {
            double t = x * p[1];
            return ((p[6] * t + p[5]) * t + p[4]) * t + p[3];
        }
        int hidden = (int)p[7];
        double tt = x * p[1], u = DeviceMath.Log(1 + x) * p[2];
        int w1 = 8, b1 = 8 + 2 * hidden, w2 = b1 + hidden;
        double y = p[w2 + hidden];
        for (int j = 0; j < hidden; j++)
        {
            double h = p[w1 + 2 * j] * tt + p[w1 + 2 * j + 1] * u + p[b1 + j];
            y += p[w2 + j] * (h > 0 ? h : 0);
        }
        return y;
    }

    static void RmiKernel(Index1D i, ArrayView<ulong> keys, ArrayView<ulong> probes, ArrayView<int> result,
        ArrayView<double> root, ArrayView<RmiLeaf> leaves, RmiGpuScalars s)
    {
        ulong key = probes[i];
        if (key <= s.MinKey) { result[i] = 0; return; }
        if (key > s.MaxKey) { result[i] = s.Count; return; }
        double x = key - s.MinKey;
        long leafIndex = (long)(RootCdf(root, x) * s.Leaves);
        int leaf = (int)(leafIndex < 0 ? 0 : leafIndex >= s.Leaves ? s.Leaves - 1 : leafIndex);
        var l = leaves[leaf];
        long pred = (long)(l.Intercept + l.Slope * x);
        int p = (int)(pred < 0 ? 0 : pred >= s.Count ? s.Count - 1 : pred);
        int lo = XMath.Max(p - l.ErrLo, 0), hi = XMath.Min(p + l.ErrHi + 1, s.Count);
        int found = LowerBoundIn(keys, lo, hi, key);
        // The guard: a window that missed (absent key, saturated bound, a different rounding) falls back to all keys.
        if ((found == lo && lo > 0 && keys[lo - 1] >= key) || (found == hi && hi < s.Count && keys[hi] < key))
            found = LowerBoundIn(keys, 0, s.Count, key);
        result[i] = found;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _rootParameters?.Dispose();
        _leaves?.Dispose();
        _keys.Dispose();
        _owned?.Dispose();
    }
}

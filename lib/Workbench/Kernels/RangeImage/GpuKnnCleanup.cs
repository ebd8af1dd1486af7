using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using Workbench.Kernels.Gpu;

namespace Workbench.Kernels.RangeImage;

/// <summary>
/// The KNN clean-up of <see cref="KnnCleanup"/> on an ILGPU accelerator (CUDA when there is one; tests use ILGPU's CPU
/// accelerator): one thread per point, the same steps, the same tie rules and the same single-precision arithmetic, so
/// its labels equal the CPU path's. The K nearest are kept by insertion in thread-local memory of
/// <see cref="MaxK"/> entries, and the vote counts each candidate's class among the K (O(K²), no per-class array), so
/// K ≤ <see cref="MaxK"/> and any number of classes work.
/// </summary>
public sealed class GpuKnnCleanup : IDisposable
{
    /// <summary>The largest K the kernel supports.</summary>
    public const int MaxK = 32;

    readonly OwnedAccelerator? _owned;
    readonly Accelerator _accelerator;
    readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>,
        ArrayView<int>, KnnGpuScalars> _kernel;

    /// <summary>Opens an accelerator of its own of the kind <paramref name="choice"/> names (see <see cref="Accelerators"/>).</summary>
    public GpuKnnCleanup(AcceleratorChoice choice = AcceleratorChoice.Auto) : this(null, choice) { }

    /// <summary>Uses an accelerator the caller owns.</summary>
    public GpuKnnCleanup(Accelerator accelerator) : this(accelerator, AcceleratorChoice.Auto) { }

    GpuKnnCleanup(Accelerator? given, AcceleratorChoice choice)
    {
        if (given is null) _owned = Accelerators.Open(choice);
        _accelerator = given ?? _owned!.Accelerator;
        try
        {
            _kernel = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>,
                ArrayView<int>, ArrayView<float>, ArrayView<int>, KnnGpuScalars>(Kernel);
        }
        catch
        {
            _owned?.Dispose();
            throw;
        }
    }

    /// <summary>The accelerator's name.</summary>
    public string DeviceName => _accelerator.Name;

    /// <summary>True on a CUDA device.</summary>
    public bool IsCuda => _accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>
    /// Labels every point as <see cref="KnnCleanup.Apply(RangeProjection, ReadOnlySpan{int}, int, KnnOptions)"/> does and
    /// returns the kernel's wall time (uploads and download excluded).
    /// </summary>
    /// <exception cref="ArgumentException">As the CPU path, or K above <see cref="MaxK"/>.</exception>
    public (int[] Labels, TimeSpan Kernel) Apply(RangeProjection projection, ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options)
    {
        KnnCleanup.Check(projection.Range, projection.Height, projection.Width, projection.PointRange, projection.PointRow,
            projection.PointColumn, pixelLabels, classes, options);
        if (options.K > MaxK)
            throw new ArgumentException($"KNN k = {options.K} is above the GPU kernel's limit of {MaxK}; use the CPU path.");
        int n = projection.Points;
        if (n == 0) return ([], TimeSpan.Zero);
        using var range = _accelerator.Allocate1D(projection.Range);
        using var labels = _accelerator.Allocate1D(pixelLabels.ToArray());
        using var pointRange = _accelerator.Allocate1D(projection.PointRange.ToArray());
        using var rows = _accelerator.Allocate1D(projection.PointRow.ToArray());
        using var columns = _accelerator.Allocate1D(projection.PointColumn.ToArray());
        using var weights = _accelerator.Allocate1D(options.InverseGaussianWeights());
        using var result = _accelerator.Allocate1D<int>(n);
        var scalars = new KnnGpuScalars(projection.Height, projection.Width, options.Window, options.K, classes, (float)options.Cutoff,
            options.WrapAzimuth ? 1 : 0);
        _accelerator.Synchronize();
        var watch = Stopwatch.StartNew();
        _kernel(n, range.View, labels.View, pointRange.View, rows.View, columns.View, weights.View, result.View, scalars);
        _accelerator.Synchronize();
        watch.Stop();
        return (result.GetAsArray1D(), watch.Elapsed);
    }

    static void Kernel(Index1D i, ArrayView<float> rangeImage, ArrayView<int> labels, ArrayView<float> pointRange, ArrayView<int> pointRow,
        ArrayView<int> pointColumn, ArrayView<float> weights, ArrayView<int> result, KnnGpuScalars s)
    {
        var bestDistance = LocalMemory.Allocate<float>(MaxK);
        var bestLabel = LocalMemory.Allocate<int>(MaxK);
        float r = pointRange[i];
        int row = pointRow[i], column = pointColumn[i], pad = (s.Window - 1) / 2, center = (s.Window * s.Window - 1) / 2;
        int kept = 0;
        for (int a = 0; a < s.Window; a++)
        {
            int y = row + a - pad;
            for (int b = 0; b < s.Window; b++)
            {
                int q = a * s.Window + b, x = column + b - pad;
                if (s.Wrap != 0) x = ((x % s.Width) + s.Width) % s.Width;
                float neighbour;
                int label;
                if (y < 0 || y >= s.Height || x < 0 || x >= s.Width) { neighbour = 0f; label = 0; }
                else
                {
                    int p = y * s.Width + x;
                    neighbour = rangeImage[p] < 0 ? float.PositiveInfinity : rangeImage[p];
                    label = labels[p];
                }
                if (q == center) neighbour = r;
                float d = Math.Abs(neighbour - r) * weights[q];
                if (kept == s.K && !(d < bestDistance[s.K - 1])) continue;
                int at = kept == s.K ? s.K - 1 : kept++;
                while (at > 0 && d < bestDistance[at - 1])
                {
                    bestDistance[at] = bestDistance[at - 1];
                    bestLabel[at] = bestLabel[at - 1];
                    at--;
                }
                bestDistance[at] = d;
                bestLabel[at] = label;
            }
        }
        // Votes: a vote beyond the cutoff is the extra class; the winner is the most-voted class in 1 … C − 1, ties to
        // the lowest class, and class 1 when there is no such vote (argmax over zeros + 1), as the CPU path.
        int winner = 1, winnerVotes = 0;
        for (int t = 0; t < s.K; t++)
        {
            int c = s.Cutoff > 0 && bestDistance[t] > s.Cutoff ? s.Classes : bestLabel[t];
            if (c < 1 || c >= s.Classes) continue;
            int votes = 0;
            for (int u = 0; u < s.K; u++)
            {
                int cu = s.Cutoff > 0 && bestDistance[u] > s.Cutoff ? s.Classes : bestLabel[u];
                if (cu == c) votes++;
            }
            if (votes > winnerVotes || (votes == winnerVotes && c < winner)) { winner = c; winnerVotes = votes; }
        }
        result[i] = winner;
    }

    /// <inheritdoc/>
    public void Dispose() => _owned?.Dispose();
}

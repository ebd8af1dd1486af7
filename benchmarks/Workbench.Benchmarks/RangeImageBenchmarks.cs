using BenchmarkDotNet.Attributes;
using Workbench.Data;
using Workbench.Kernels.RangeImage;

namespace Workbench.Benchmarks;

/// <summary>
/// RangeNet++'s per-scan post-network work on one simulated HDL-64E-like scan (64 uneven lasers × 2048 firings, about
/// 120k points after sky and ray drop) into a 64 × 2048 image: spherical projection and the KNN clean-up (k 5, window 5,
/// σ 1, cutoff 1), each fast path against its plain reference. The numpy peer (benchmarks/peers/rangenet_numpy.py:
/// laserscan.py's projection and KNN.py's unfold-based KNN ported to numpy) reads the files this benchmark writes.
/// </summary>
[MemoryDiagnoser]
public class RangeImageScan
{
    /// <summary>Where the scan (.bin) and ground-truth pixel labels (.pixels, int32) are written for the peer.</summary>
    public static string DataStem => Path.Combine(Path.GetTempPath(), "workbench-rangenet-scan");

    static readonly RangeImageGeometry Geometry = new(64, 2048, 3, -25);
    LidarScan _scan = null!;
    RangeProjection _projection = null!;
    int[] _pixelLabels = [];

    [GlobalSetup]
    public void Setup()
    {
        _scan = LidarSimulator.Simulate(LidarSensor.Hdl64Like with { EgoSpeed = 8 }, 7);
        _projection = SphericalProjection.Project(_scan.X, _scan.Y, _scan.Z, _scan.Remission, Geometry);
        _pixelLabels = Unprojection.PixelLabels(_scan.Label, _projection);
        SemanticKitti.WriteScan(DataStem + ".bin", _scan.X, _scan.Y, _scan.Z, _scan.Remission);
        File.WriteAllBytes(DataStem + ".pixels", System.Runtime.InteropServices.MemoryMarshal.AsBytes(_pixelLabels.AsSpan()).ToArray());
        Console.WriteLine($"// scan: {_scan.Count} points");
    }

    [Benchmark(Baseline = true, Description = "projection, reference: angles, sort by decreasing range, write")]
    public int ProjectReference() =>
        SphericalProjection.ProjectReference(_scan.X, _scan.Y, _scan.Z, _scan.Remission, Geometry).Index[0];

    [Benchmark(Description = "projection, fast: 8-lane angles, exact edge fallback, parallel chunks, nearest-wins pass")]
    public int Project() => SphericalProjection.Project(_scan.X, _scan.Y, _scan.Z, _scan.Remission, Geometry).Index[0];

    [Benchmark(Description = "KNN, reference: unfolded [25, pixels] matrices as KNN.py")]
    public int KnnReference() => KnnCleanup.Reference(_projection, _pixelLabels, 9, KnnOptions.Paper)[0];

    [Benchmark(Description = "KNN, fast: 8-lane window rows, short cuts, parallel chunks")]
    public int Knn() => KnnCleanup.Apply(_projection, _pixelLabels, 9, KnnOptions.Paper)[0];

    [Benchmark(Description = "unprojection")]
    public int Unproject() => Unprojection.Labels(_pixelLabels, _projection)[0];
}

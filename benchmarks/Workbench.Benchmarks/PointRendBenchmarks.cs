using BenchmarkDotNet.Attributes;
using TorchSharp;
using Workbench.Kernels.Points;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Benchmarks;

/// <summary>
/// PointRend's point sampling: our bilinear point_sample kernel against its plain reference and TorchSharp's
/// grid_sample (libtorch, one thread) on the shapes subdivision uses: a 32-channel 32 × 32 fine map sampled at 384
/// points (one step at 64 px) and at 4,096 points (a dense head at 64 px).
/// </summary>
[MemoryDiagnoser]
public class PointSamplingBenchmarks
{
    float[] _map = [];
    float[] _coords = [];
    Tensor? _mapTensor, _grid;

    /// <summary>Points sampled per call.</summary>
    [Params(384, 4_096)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialize();
        var rng = new Random(1);
        _map = [.. Enumerable.Range(0, 32 * 32 * 32).Select(_ => rng.NextSingle())];
        _coords = UncertainPoints.Uniform(Points, rng);
        _mapTensor = tensor(_map, [1, 32, 32, 32]);
        _grid = tensor(_coords, [1, Points, 1, 2]).mul(Scalars.Of(2.0)).sub(Scalars.One);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _mapTensor?.Dispose();
        _grid?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "reference: one output at a time (double)")]
    public float[] Reference() => PointSamplingReference.Bilinear(_map, 32, 32, 32, _coords);

    [Benchmark(Description = "ours: PointSampling.Bilinear")]
    public float[] Ours() => PointSampling.Bilinear(_map, 32, 32, 32, _coords);

    [Benchmark(Description = "peer: TorchSharp grid_sample")]
    public float[] GridSample()
    {
        using var scope = NewDisposeScope();
        return nn.functional.grid_sample(_mapTensor!, _grid!, align_corners: false).data<float>().ToArray();
    }
}

/// <summary>Boundary IoU of two 256 × 256 masks: the distance-transform band against d erosions (d = 7 here).</summary>
[MemoryDiagnoser]
public class BoundaryIoUBenchmarks
{
    bool[] _a = [], _b = [];

    [GlobalSetup]
    public void Setup()
    {
        _a = [.. Enumerable.Range(0, 256 * 256).Select(k => Math.Pow(k / 256 - 128, 2) + Math.Pow(k % 256 - 128, 2) <= 90 * 90)];
        _b = [.. Enumerable.Range(0, 256 * 256).Select(k => Math.Pow(k / 256 - 126, 2) + Math.Pow(k % 256 - 129, 2) <= 88 * 88)];
    }

    [Benchmark(Baseline = true, Description = "reference: pad, erode d times")]
    public double Reference() => BoundaryIoUReference.Compute(_a, _b, 256, 256);

    [Benchmark(Description = "ours: Chebyshev distance band")]
    public double Ours() => BoundaryIoU.Compute(_a, _b, 256, 256);
}

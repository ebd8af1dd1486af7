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

/// <summary>
/// PointRend inference at equal output resolution: adaptive subdivision (N = 384 points per step at 64 px, scaled with the
/// output side, from the 8 × 8 coarse logits) against the same point head evaluated on every output pixel (a dense head),
/// for one 64 px image of the test stream through the reading-group network (fine 32, head width 64; seeded
/// initialisation: the cost does not depend on the weights, since N per step is fixed). The backbone, the same for both,
/// is run once in the setup and timed separately.
/// </summary>
[MemoryDiagnoser]
public class SubdivisionBenchmarks
{
    const int Image = 64, Coarse = Image / 8, PointsPerStep = 384;
    Workbench.Papers.PointRend.PointRendNetwork? _model;
    Tensor? _image, _fine;
    float[] _coarse = [];
    float[] _grid = [];
    Subdivision.PointHead _head = (c, a) => a;

    /// <summary>Output side (64: the image side; 256: 4× it, the rendering test).</summary>
    [Params(64, 256)]
    public int Side { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialize();
        _model = TorchRandom.Build(0, "init", () => new Workbench.Papers.PointRend.PointRendNetwork(32, 64));
        var scene = Workbench.Data.SceneGenerator.Scene(0, 0);
        _image = tensor(scene.Render(Image, 0.05, new Random(0)), [1, 1, Image, Image]);
        using var noGrad = no_grad();
        var (coarse, fine) = _model.Features(_image);
        _coarse = coarse.data<float>().ToArray();
        coarse.Dispose();
        _fine = fine;
        _grid = PointSampling.Grid(Side, Side);
        _head = (coords, coarseAtPoints) =>
        {
            using var scope = NewDisposeScope();
            using var inner = no_grad();
            int p = coords.Length / 2;
            return _model.PointLogits(_fine!, tensor(coarseAtPoints, [1, p, 1]), tensor(coords, [1, p, 2])).data<float>().ToArray();
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fine?.Dispose();
        _image?.Dispose();
        _model?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "dense: point head on every output pixel")]
    public float[] Dense() => _head(_grid, PointSampling.Bilinear(_coarse, 1, Coarse, Coarse, _grid));

    [Benchmark(Description = "PointRend: adaptive subdivision")]
    public float[] Adaptive()
    {
        int steps = (int)Math.Log2(Side / Coarse);
        int n = Workbench.Papers.PointRend.PointRendTraining.PointsAt(PointsPerStep, Image, Side);
        return Subdivision.Run(_coarse, 1, Coarse, Coarse, steps, n, _head).Logits;
    }

    [Benchmark(Description = "backbone (shared by both, once per image)")]
    public float Backbone()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _model!.forward(_image!).sum().item<float>();
    }
}

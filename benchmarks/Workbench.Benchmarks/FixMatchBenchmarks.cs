using BenchmarkDotNet.Attributes;
using Workbench.Data;
using Workbench.Kernels.Augment;
using Workbench.Papers.FixMatch;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Benchmarks;

/// <summary>
/// FixMatch's augmentation at the reading-group batch (μB = 96 unlabelled Fashion-MNIST images, 28 × 28 bytes): the
/// batched kernel against the plain per-image reference (a fresh array per operation), for weak and strong views, and
/// one whole FixMatch training step at the same shape (B = 32 labelled + 96 weak + 96 strong through the small CNN,
/// width 8, one libtorch thread) for scale. The PyTorch peer of the step is benchmarks/peers/fixmatch_step_torch.py; the
/// per-image PIL peer of the augmentation (the pipeline of the FixMatch code and its PyTorch ports) is
/// benchmarks/peers/fixmatch_augment_pil.py.
/// </summary>
[MemoryDiagnoser]
public class FixMatchAugment
{
    const int Side = 28, Batch = 96;
    byte[] _pixels = [];
    int[] _indices = [];
    AugmentPlan[] _weak = [], _strong = [];
    readonly byte[] _output = new byte[Batch * Side * Side];
    StudentAndEma _pair = null!;
    SGD _optimizer = null!;
    Tensor _inputs = null!, _labels = null!;
    readonly FixMatchRun _run = new() { BatchSize = 32, Mu = 3, Width = 8 };

    [GlobalSetup]
    public void Setup()
    {
        var pool = FixMatchSplits.Of(FixMatchDataset.FashionMnist).Pool;
        _pixels = pool.Pixels;
        var random = new Random(1);
        _indices = [.. Enumerable.Range(0, Batch).Select(_ => random.Next(pool.Count))];
        _weak = AugmentPolicy.Weak(flip: true).Draw(random, Batch, Side, Side);
        _strong = AugmentPolicy.Strong(true, AugmentOps.All).Draw(random, Batch, Side, Side);

        TorchSetup.Initialize();
        _pair = TorchRandom.Build(0, "init", () => new StudentAndEma(_run.Width));
        _optimizer = new SGD(_pair.Student.parameters(), 0.1, 0.9, nesterov: true);
        _inputs = rand(32 + 2 * Batch, 1, Side, Side);
        _labels = randint(0, 10, [32]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inputs.Dispose();
        _labels.Dispose();
        _optimizer.Dispose();
        _pair.Dispose();
    }

    byte[] Reference(AugmentPlan[] plans)
    {
        for (int i = 0; i < Batch; i++)
        {
            var image = _pixels.AsSpan(_indices[i] * Side * Side, Side * Side).ToArray();
            AugmentReference.Apply(image, Side, Side, plans[i]).CopyTo(_output, i * Side * Side);
        }
        return _output;
    }

    [Benchmark(Baseline = true, Description = "strong views, per-image reference")]
    public byte[] StrongReference() => Reference(_strong);

    [Benchmark(Description = "strong views, batched kernel")]
    public byte[] Strong()
    {
        BatchAugment.Apply(_pixels, Side, Side, _indices, _strong, _output);
        return _output;
    }

    [Benchmark(Description = "weak views, per-image reference")]
    public byte[] WeakReference() => Reference(_weak);

    [Benchmark(Description = "weak views, batched kernel")]
    public byte[] Weak()
    {
        BatchAugment.Apply(_pixels, Side, Side, _indices, _weak, _output);
        return _output;
    }

    [Benchmark(Description = "one FixMatch training step (B 32 + 2 × 96, small CNN width 8)")]
    public float TrainingStep()
    {
        using var scope = NewDisposeScope();
        return FixMatchTraining.Step(_run, 0, _pair, _optimizer, _inputs, _labels).Loss.item<float>();
    }
}

/// <summary>
/// Strong views of a batch large enough for <see cref="BatchAugment"/> to split it over the cores (1,024 Fashion-MNIST
/// images, over <see cref="BatchAugment.ParallelPixels"/>), against the per-image reference on one thread: what the
/// cores add. The reading-group batch (<see cref="FixMatchAugment"/>) stays on one core.
/// </summary>
[MemoryDiagnoser]
public class FixMatchAugmentLarge
{
    const int Side = 28, Batch = 1_024;
    byte[] _pixels = [];
    int[] _indices = [];
    AugmentPlan[] _strong = [];
    readonly byte[] _output = new byte[Batch * Side * Side];

    [GlobalSetup]
    public void Setup()
    {
        var pool = FixMatchSplits.Of(FixMatchDataset.FashionMnist).Pool;
        var random = new Random(1);
        _pixels = pool.Pixels;
        _indices = [.. Enumerable.Range(0, Batch).Select(_ => random.Next(pool.Count))];
        _strong = AugmentPolicy.Strong(true, AugmentOps.All).Draw(random, Batch, Side, Side);
    }

    [Benchmark(Baseline = true, Description = "strong views ×1024, per-image reference")]
    public byte[] StrongReference()
    {
        for (int i = 0; i < Batch; i++)
        {
            var image = _pixels.AsSpan(_indices[i] * Side * Side, Side * Side).ToArray();
            AugmentReference.Apply(image, Side, Side, _strong[i]).CopyTo(_output, i * Side * Side);
        }
        return _output;
    }

    [Benchmark(Description = "strong views ×1024, batched kernel")]
    public byte[] Strong()
    {
        BatchAugment.Apply(_pixels, Side, Side, _indices, _strong, _output);
        return _output;
    }
}

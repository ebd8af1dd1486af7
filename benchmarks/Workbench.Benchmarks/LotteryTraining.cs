using BenchmarkDotNet.Attributes;
using TorchSharp;
using Workbench.Data;
using Workbench.Papers.LotteryTicket;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Benchmarks;

/// <summary>
/// One training epoch of LeNet-300-100 on Fashion-MNIST (60,000 images, batch 60 → 1,000 Adam steps, one libtorch
/// thread), unmasked and with an 80 %-pruned mask applied as in the Lottery Ticket trainer (gradients masked before the
/// step, weights re-masked after it). The PyTorch peer runs the same model and loop: benchmarks/peers/lenet_epoch_torch.py.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class LotteryTraining
{
    Tensor _x = null!, _y = null!;
    long[][] _batches = null!;
    LeNet300100 _net = null!;
    Workbench.Torch.Adam _optimizer = null!;
    Tensor[] _masks = null!;
    IReadOnlyList<PrunableLayer> _layers = null!; // fetched once per run, as the trainer does

    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialize();
        torch.set_num_threads(1);
        var train = FashionMnist.Load(train: true);
        _x = tensor(train.PixelsAsFloats()).reshape(train.Count, 784);
        _y = tensor(train.Labels.Select(l => (long)l).ToArray());
        var order = Workbench.Runs.Seeds.Permutation(train.Count, 0, "epoch:0");
        _batches = Enumerable.Range(0, train.Count / 60)
            .Select(b => order[(b * 60)..(b * 60 + 60)].Select(i => (long)i).ToArray())
            .ToArray();
        _net = TorchRandom.BuildWithSeed(0, () => new LeNet300100());
        _optimizer = new Workbench.Torch.Adam(_net.parameters(), 1.2e-3); // the optimizer the Lottery Ticket trainer uses
        _layers = _net.Layers;
        var rng = new Random(0);
        _masks = _layers.Select(l =>
        {
            var m = new float[l.Weight.numel()];
            for (int i = 0; i < m.Length; i++) m[i] = rng.NextDouble() < 0.2 ? 1f : 0f;
            return tensor(m).reshape(l.Weight.shape);
        }).ToArray();
    }

    [Benchmark(Baseline = true, Description = "epoch, dense (no mask)")]
    public void Dense() => Epoch(masked: false);

    [Benchmark(Description = "epoch, 80 % pruned (mask grads + re-mask weights)")]
    public void Masked() => Epoch(masked: true);

    void Epoch(bool masked)
    {
        foreach (var batch in _batches)
        {
            using var scope = NewDisposeScope();
            var index = tensor(batch);
            var loss = nn.functional.cross_entropy(_net.forward(_x.index_select(0, index)), _y.index_select(0, index));
            _optimizer.zero_grad();
            loss.backward();
            if (masked) Trainer.MaskGradients(_layers, _masks);
            _optimizer.step();
            if (masked) Trainer.ApplyMasks(_layers, _masks);
        }
    }
}

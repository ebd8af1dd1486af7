using System.Diagnostics;
using TorchSharp;
using Workbench.Data;
using Workbench.Papers.LotteryTicket;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Benchmarks;

/// <summary>
/// Stopwatch profile of the LotteryTraining epoch, phase by phase (forward + backward, gradient mask, Adam step, weight
/// mask), with a census of zeros and subnormals in gradients, weights and Adam's state after each epoch. A probe, not a
/// benchmark: <c>dotnet run -c Release --project benchmarks/Workbench.Benchmarks -- profile-lottery [dense|masked …]</c>.
/// </summary>
public static class LotteryStepProfile
{
    public static void Run(string[] args)
    {
        TorchSetup.Initialize();
        torch.set_num_threads(1);
        var train = FashionMnist.Load(train: true);
        var x = tensor(train.PixelsAsFloats()).reshape(train.Count, 784);
        var y = tensor(train.Labels.Select(l => (long)l).ToArray());
        var order = Workbench.Runs.Seeds.Permutation(train.Count, 0, "epoch:0");
        var batches = Enumerable.Range(0, train.Count / 60)
            .Select(b => order[(b * 60)..(b * 60 + 60)].Select(i => (long)i).ToArray()).ToArray();
        foreach (var mode in args.Length > 1 ? args[1..] : ["dense", "masked", "dense", "masked"])
        {
            using var net = TorchRandom.BuildWithSeed(0, () => new LeNet300100());
            using var opt = new Workbench.Torch.Adam(net.parameters(), 1.2e-3);
            var layers = net.Layers;
            var rng = new Random(0);
            var masks = layers.Select(l =>
            {
                var m = new float[l.Weight.numel()];
                for (int i = 0; i < m.Length; i++) m[i] = rng.NextDouble() < 0.2 ? 1f : 0f;
                return tensor(m).reshape(l.Weight.shape);
            }).ToArray();
            bool masked = mode != "dense";
            if (masked) Trainer.ApplyMasks(layers, masks);
            for (int epoch = 0; epoch < 3; epoch++)
            {
                var t = new double[5];
                var sw = new Stopwatch();
                foreach (var batch in batches)
                {
                    using var scope = NewDisposeScope();
                    sw.Restart();
                    var index = tensor(batch);
                    var loss = nn.functional.cross_entropy(net.forward(x.index_select(0, index)), y.index_select(0, index));
                    opt.zero_grad();
                    loss.backward();
                    t[0] += sw.Elapsed.TotalMilliseconds; sw.Restart();
                    if (masked && mode != "masked-w") Trainer.MaskGradients(layers, masks);
                    t[1] += sw.Elapsed.TotalMilliseconds; sw.Restart();
                    opt.step();
                    t[2] += sw.Elapsed.TotalMilliseconds; sw.Restart();
                    if (masked) Trainer.ApplyMasks(layers, masks);
                    t[3] += sw.Elapsed.TotalMilliseconds;
                }
                // Subnormal census of gradients, parameters and Adam state.
                string Census(IEnumerable<Tensor> ts)
                {
                    long sub = 0, zero = 0, all = 0;
                    foreach (var tt in ts)
                        foreach (var v in tt.detach().data<float>().ToArray())
                        {
                            all++;
                            if (v == 0) zero++;
                            else if (float.IsSubnormal(v)) sub++;
                        }
                    return $"{sub} subnormal, {zero} zero of {all}";
                }
                const System.Reflection.BindingFlags Private =
                    System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
                var state = typeof(Workbench.Torch.Adam).GetField("_expAvg", Private)!;
                var stateSq = typeof(Workbench.Torch.Adam).GetField("_expAvgSq", Private)!;
                Console.WriteLine(
                    $"{mode} epoch {epoch}: fwd+bwd {t[0]:0} ms, mask grads {t[1]:0}, step {t[2]:0}, mask weights {t[3]:0}");
                Console.WriteLine($"   grads: {Census(net.parameters().Select(p => p.grad!))}; params: {Census(net.parameters())}");
                Console.WriteLine(
                    $"   exp_avg: {Census((Tensor[])state.GetValue(opt)!)}; exp_avg_sq: {Census((Tensor[])stateSq.GetValue(opt)!)}");
            }
        }
    }
}

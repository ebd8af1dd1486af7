using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Torch;

/// <summary>Our Adam and SGD give bit-identical numbers to TorchSharp's (which follow PyTorch), and resume exactly.</summary>
public sealed class OptimizerTests
{
    public static TheoryData<string> Settings => ["adam", "adam-weight-decay", "sgd", "sgd-momentum", "sgd-nesterov-weight-decay"];

    [Theory]
    [MemberData(nameof(Settings))]
    public void Thirty_steps_match_TorchSharp_bit_for_bit(string setting)
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        using var ours = TorchRandom.Build(5, "optimizer-test", () => nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)));
        using var theirs = TorchRandom.Build(5, "optimizer-test", () => nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)));
        using var generator = new Generator(11);
        var x = randn([40, 6], generator: generator);
        var y = randint(0, 3, [40], generator: generator);
        using var ourOptimizer = Ours(setting, ours);
        var theirOptimizer = Theirs(setting, theirs);
        for (int step = 0; step < 30; step++)
        {
            using var stepScope = NewDisposeScope();
            var ourLoss = nn.functional.cross_entropy(ours.forward(x), y);
            ourOptimizer.zero_grad();
            ourLoss.backward();
            ourOptimizer.step();
            var theirLoss = nn.functional.cross_entropy(theirs.forward(x), y);
            theirOptimizer.zero_grad();
            theirLoss.backward();
            theirOptimizer.step();
        }
        foreach (var (a, b) in ours.parameters().Zip(theirs.parameters()))
            Assert.True(a.allclose(b, rtol: 0, atol: 0),
                $"{setting}: parameters differ after 30 steps (max |Δ| = {(a - b).abs().max().item<float>()})");
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void Adam_matches_TorchSharp_bit_for_bit_where_gradients_are_zero_or_subnormal(ScalarType type)
    {
        // Zero and subnormal second moments are clamped before the square root (libtorch's slow path); no number changes.
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        using var ours = TorchRandom.Build(7, "optimizer-test", () => nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)));
        using var theirs = TorchRandom.Build(7, "optimizer-test", () => nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)));
        ours.to(type);
        theirs.to(type);
        using var generator = new Generator(13);
        var x = randn([40, 6], generator: generator).to(type);
        var y = randint(0, 3, [40], generator: generator);
        var masks = ours.parameters().Select(p => rand(p.shape, generator: generator).ge(Scalars.Of(0.5)).to(type)).ToArray();
        var tiny = masks.Select(m => m.neg().add(Scalars.One).mul(Scalars.Of(type == ScalarType.Float32 ? 1e-41 : 1e-310))).ToArray();
        using var ourOptimizer = new Workbench.Torch.Adam(ours.parameters(), 1e-2);
        var theirOptimizer = optim.Adam(theirs.parameters(), 1e-2);
        for (int step = 0; step < 30; step++)
        {
            using var stepScope = NewDisposeScope();
            foreach (var (model, zeroGrad, optimizerStep) in new (nn.Module<Tensor, Tensor>, Action, Action)[]
            {
                (ours, ourOptimizer.zero_grad, ourOptimizer.step),
                (theirs, theirOptimizer.zero_grad, () => theirOptimizer.step()),
            })
            {
                var loss = nn.functional.cross_entropy(model.forward(x), y);
                zeroGrad();
                loss.backward();
                using (no_grad())
                    foreach (var (p, i) in model.parameters().Select((p, i) => (p, i)))
                        p.grad!.mul_(masks[i]).add_(step % 2 == 0 ? tiny[i] : tiny[i].neg()); // zeros, then subnormals
                optimizerStep();
            }
        }
        foreach (var (a, b) in ours.parameters().Zip(theirs.parameters()))
            Assert.True(a.allclose(b, rtol: 0, atol: 0),
                $"{type}: parameters differ (max |Δ| = {(a - b).abs().max().to_type(ScalarType.Float64).item<double>()})");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Saving_and_loading_mid_run_gives_the_uninterrupted_numbers(string setting)
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var x = randn([32, 6], generator: generator);
        var y = randint(0, 3, [32], generator: generator);
        nn.Module<Tensor, Tensor> Build() =>
            TorchRandom.Build(9, "optimizer-test", () => nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)));
        void Train(nn.Module<Tensor, Tensor> model, Workbench.Torch.Optimizer optimizer, int steps)
        {
            for (int step = 0; step < steps; step++)
            {
                using var stepScope = NewDisposeScope();
                var loss = nn.functional.cross_entropy(model.forward(x), y);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }
        using var straight = Build();
        using (var optimizer = Ours(setting, straight)) Train(straight, optimizer, 20);

        using var first = Build();
        using var buffer = new MemoryStream();
        using (var optimizer = Ours(setting, first))
        {
            Train(first, optimizer, 10);
            using var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
            first.save(writer);
            optimizer.Save(writer);
        }
        buffer.Position = 0;
        using var resumed = Build();
        using var reader = new BinaryReader(buffer);
        resumed.load(reader);
        using (var optimizer = Ours(setting, resumed))
        {
            optimizer.Load(reader);
            Assert.Equal(10, optimizer.Steps);
            Train(resumed, optimizer, 10);
        }
        foreach (var (a, b) in straight.parameters().Zip(resumed.parameters()))
            Assert.True(a.allclose(b, rtol: 0, atol: 0), $"{setting}: a resumed run differs from an uninterrupted one");
    }

    [Fact]
    public void Bad_hyperparameters_are_one_sentence_each()
    {
        TorchSetup.Initialize();
        using var model = nn.Linear(2, 1);
        var lr = Assert.Throws<ArgumentOutOfRangeException>(() => new Workbench.Torch.Adam(model.parameters(), lr: 0));
        Assert.Contains("learning rate 0 is out of range: it must be > 0", lr.Message);
        var beta = Assert.Throws<ArgumentOutOfRangeException>(() => new Workbench.Torch.Adam(model.parameters(), beta1: 1));
        Assert.Contains("Adam beta1 1 is out of range: it must be in [0, 1)", beta.Message);
        var nesterov = Assert.Throws<ArgumentException>(() => new Workbench.Torch.SGD(model.parameters(), 0.1, nesterov: true));
        Assert.Contains("Nesterov momentum needs momentum > 0", nesterov.Message);
    }

    static Workbench.Torch.Optimizer Ours(string setting, nn.Module model) => setting switch
    {
        "adam" => new Workbench.Torch.Adam(model.parameters(), 1e-2),
        "adam-weight-decay" => new Workbench.Torch.Adam(model.parameters(), 1e-2, weight_decay: 5e-4),
        "sgd" => new Workbench.Torch.SGD(model.parameters(), 0.1),
        "sgd-momentum" => new Workbench.Torch.SGD(model.parameters(), 0.1, momentum: 0.9),
        _ => new Workbench.Torch.SGD(model.parameters(), 0.03, momentum: 0.9, weight_decay: 5e-4, nesterov: true),
    };

    static optim.Optimizer Theirs(string setting, nn.Module model) => setting switch
    {
        "adam" => optim.Adam(model.parameters(), 1e-2),
        "adam-weight-decay" => optim.Adam(model.parameters(), 1e-2, weight_decay: 5e-4),
        "sgd" => optim.SGD(model.parameters(), 0.1),
        "sgd-momentum" => optim.SGD(model.parameters(), 0.1, momentum: 0.9),
        _ => optim.SGD(model.parameters(), 0.03, momentum: 0.9, weight_decay: 5e-4, nesterov: true),
    };
}

using Workbench.Papers;
using Workbench.Papers.FixMatch;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Papers.FixMatch;

public class FixMatchNetworkTests
{
    /// <summary>
    /// Parameters of the reference code's WRN (scales 3, repeat 4) for grey images, counted layer by layer from its
    /// definition: convolutions with bias, batch norm with scale and offset, the 1 × 1 projections where channels change.
    /// </summary>
    static long ExpectedWrnParameters(int filters, int classes = 10)
    {
        long Conv(int input, int output, int k) => (long)input * output * k * k + output;
        long Norm(int channels) => 2L * channels;
        long total = Conv(1, 16, 3);
        int channels = 16;
        for (int scale = 0; scale < 3; scale++)
            for (int i = 0; i < 4; i++)
            {
                int output = filters << scale;
                total += Norm(channels) + Conv(channels, output, 3) + Norm(output) + Conv(output, output, 3);
                if (channels != output) total += Conv(channels, output, 1);
                channels = output;
            }
        return total + Norm(channels) + (long)channels * classes + classes;
    }

    [Fact]
    public void The_wide_resnet_at_width_32_is_wrn_28_2_sized()
    {
        TorchSetup.Initialize();
        using var net = TorchRandom.Build(0, "init", () => new WideResNet(32));
        long count = net.parameters().Sum(p => p.numel());
        Assert.Equal(ExpectedWrnParameters(32), count);
        Assert.InRange(count, 1_400_000, 1_550_000); // WRN-28-2: ~1.47 M (FixMatch, Sohn et al. 2020)
        // 28 layers: the stem, 2 convolutions in each of 12 blocks, the classifier, plus the 3 projections.
        Assert.Equal(1 + 24 + 1 + 3, net.modules().Count(m => m is TorchSharp.Modules.Conv2d or TorchSharp.Modules.Linear));
    }

    [Fact]
    public void The_wide_resnet_maps_images_to_logits_and_backpropagates_into_every_parameter()
    {
        TorchSetup.Initialize();
        using var pair = TorchRandom.Build(1, "init", () => new StudentAndEma(8, NetworkKind.WideResNet));
        using var scope = NewDisposeScope();
        pair.Student.train();
        var logits = pair.Student.forward(rand(5, 1, 28, 28));
        Assert.Equal([5L, 10L], logits.shape);
        logits.sum().backward();
        Assert.All(pair.Student.parameters(), p => Assert.True(p.grad is not null && p.grad.shape.SequenceEqual(p.shape)));
        // Batch norm uses the reference's TensorFlow momentum 0.999 (PyTorch 0.001): one train step barely moves the buffer.
        var mean = pair.Student.named_buffers().First(b => b.name.EndsWith("running_mean")).buffer;
        Assert.True(mean.abs().max().item<float>() < 0.01f);
        // The EMA copy starts equal and is a separate network of the same kind.
        Assert.IsType<WideResNet>(pair.Ema);
        Assert.Equal(pair.Student.parameters().Sum(p => p.numel()), pair.Ema.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void The_paper_preset_selects_wrn_28_2_and_trains_a_few_steps_on_the_cpu()
    {
        // The paper preset (WRN-28-2, B 64, μ 7, 2^20 steps, 5 seeds) is meant for a GPU; here it is checked with a step
        // cap: two steps at B 2 (μ 7 kept, so 2 + 2 × 14 images per forward pass) and a small evaluation.
        TorchSetup.Initialize();
        var config = new FixMatchExperiment().Preset(Presets.Paper);
        config.Validate();
        Assert.Equal((NetworkKind.WideResNet, 32, 7, 1 << 20), (config.Network, config.Width, config.Mu, config.Steps));
        var capped = config with { Steps = 2, BatchSize = 2, EvalEvery = 1, LastEvaluations = 2, TestImages = 50, ValidationImages = 20,
            AuditImages = 10, CheckpointEvery = 0 };
        var run = capped.TrainingRun(TrainingMethod.FixMatch, FixMatchDataset.FashionMnist, 40, 0);
        Assert.Equal(NetworkKind.WideResNet, run.Network);
        using var root = new TempFolder();
        var trial = new FixMatchExperiment().Trial(capped, run, Arms.FixMatch, new RunStore(root.Path));
        Assert.InRange(trial.Record.Result.TestAccuracy, 0, 1);
        Assert.Equal(40, trial.Record.Result.Labelled.Length);
    }
}

using TorchSharp;
using Workbench.Papers.FixMatch;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Papers.FixMatch;

/// <summary>Each definition issue #14 lists as easy to get wrong, tested on its own.</summary>
public class FixMatchLossTests
{
    static Tensor Logits(float[,] values) => tensor(values);

    [Fact]
    public void The_unlabelled_loss_averages_over_all_mu_B_examples_not_over_the_confident_ones()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        // Two confident weak predictions (class 0 and 2) and two unconfident ones.
        var weak = Logits(new float[,] { { 10, 0, 0 }, { 0, 0, 10 }, { 0.1f, 0, 0 }, { 0, 0.2f, 0 } });
        var strong = Logits(new float[,] { { 1, 2, 3 }, { 0.5f, -1, 2 }, { 3, 3, 3 }, { -2, 0, 1 } });
        var term = FixMatchLoss.Unlabelled(weak, strong, 0.95);
        var ce = nn.functional.cross_entropy(strong, tensor(new long[] { 0, 2, 0, 1 }),
            reduction: nn.Reduction.None).data<float>().ToArray();
        Assert.Equal((ce[0] + ce[1]) / 4, term.Loss.item<float>(), 5);
        Assert.Equal([1f, 1, 0, 0], term.Mask.data<float>().ToArray());
        Assert.Equal([0L, 2, 0, 1], term.Targets.data<long>().ToArray());
    }

    [Fact]
    public void Pseudo_labels_are_the_weak_argmax_and_no_gradient_reaches_the_weak_logits()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        var weak = Logits(new float[,] { { 1, 5, 0 }, { 4, 0, 0 } }).requires_grad_();
        var strong = Logits(new float[,] { { 0, 0, 0 }, { 0, 1, 0 } }).requires_grad_();
        var term = FixMatchLoss.Unlabelled(weak, strong, 0);
        term.Loss.backward();
        Assert.Equal([1L, 0], term.Targets.data<long>().ToArray());
        Assert.True(weak.grad is null || weak.grad.abs().sum().item<float>() == 0);
        Assert.True(strong.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Threshold_one_masks_everything_and_zero_keeps_everything()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        var weak = Logits(new float[,] { { 1, 2, 0 }, { 3, 0, 0 } });
        var strong = Logits(new float[,] { { 0, 1, 0 }, { 0, 1, 0 } });
        Assert.Equal(0f, FixMatchLoss.Unlabelled(weak, strong, 1).Loss.item<float>());
        Assert.Equal(2f, FixMatchLoss.Unlabelled(weak, strong, 0).Mask.sum().item<float>());
    }

    [Fact]
    public void Sharpened_soft_labels_are_the_softmax_at_temperature_T()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        var weak = Logits(new float[,] { { 1, 2, 0 } });
        var strong = Logits(new float[,] { { 0.5f, 1, -1 } });
        var term = FixMatchLoss.Unlabelled(weak, strong, 0, PseudoLabels.Sharpened, 0.5);
        var target = nn.functional.softmax(weak.div(Scalars.Of(0.5)), 1);
        float expected = -target.mul(nn.functional.log_softmax(strong, 1)).sum().item<float>();
        Assert.Equal(expected, term.Loss.item<float>(), 5);
    }

    [Fact]
    public void Weight_decay_covers_convolution_and_linear_weights_only()
    {
        TorchSetup.Initialize();
        using var net = TorchRandom.Build(0, "init", () => new SmallCnn(4));
        using var scope = NewDisposeScope();
        FixMatchLoss.L2(net).backward();
        foreach (var (name, p) in net.named_parameters())
        {
            bool decayed = name.StartsWith("conv") || (name.StartsWith("fc") && name.EndsWith("weight"));
            float difference = p.grad is null ? p.abs().max().item<float>() : p.grad.sub(p).abs().max().item<float>();
            if (decayed) Assert.True(difference < 1e-6, $"{name}: the gradient of ½‖W‖² must be W");
            else Assert.True(p.grad is null || p.grad.abs().max().item<float>() == 0, $"{name} must not be decayed");
        }
    }

    [Fact]
    public void The_schedule_is_eta_cos_7_pi_k_over_16_K_and_ends_near_a_fifth()
    {
        Assert.Equal(0.03, FixMatchLoss.LearningRate(0.03, 0, 1000), 12);
        Assert.Equal(0.03 * Math.Cos(7 * Math.PI * 500 / 16000.0), FixMatchLoss.LearningRate(0.03, 500, 1000), 12);
        double end = FixMatchLoss.LearningRate(1, 1000, 1000);
        Assert.InRange(end, 0.19, 0.2);
    }

    [Fact]
    public void The_EMA_averages_parameters_and_batch_norm_buffers()
    {
        TorchSetup.Initialize();
        using var pair = TorchRandom.Build(0, "init", () => new StudentAndEma(4));
        using var scope = NewDisposeScope();
        // One train-mode forward moves the student's running statistics; then perturb its weights.
        pair.Student.train();
        pair.Student.forward(rand(8, 1, 28, 28));
        using (no_grad())
            foreach (var p in pair.Student.parameters()) p.add_(Scalars.Of(0.5));
        var before = pair.Ema.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        FixMatchLoss.UpdateEma(pair.Student, pair.Ema, 0.9);
        var student = pair.Student.state_dict();
        int buffers = 0;
        foreach (var (name, value) in pair.Ema.state_dict())
        {
            var expected = before[name].mul(Scalars.Of(0.9)).add(student[name], Scalars.Of(0.1));
            Assert.True(value.sub(expected).abs().max().item<float>() < 1e-6, $"{name} is not the EMA");
            if (name.Contains("running")) buffers++;
        }
        Assert.Equal(6, buffers);
        Assert.True(pair.Ema.named_buffers().Any(b => b.name.Contains("running_mean")
            && b.buffer.sub(before[b.name]).abs().max().item<float>() > 0), "the buffers did not move");
    }

    [Fact]
    public void Batch_norm_sees_labelled_weak_and_strong_views_in_one_forward_pass()
    {
        // The running mean after a FixMatch step's forward equals 0.9·0 + 0.1·(batch mean of the concatenation):
        // the statistics of all three parts together, which three separate passes would not give.
        TorchSetup.Initialize();
        using var a = TorchRandom.Build(1, "init", () => new SmallCnn(4));
        using var b = TorchRandom.Build(1, "init", () => new SmallCnn(4));
        using var scope = NewDisposeScope();
        var labelled = rand(4, 1, 28, 28);
        var weakView = rand(8, 1, 28, 28).mul(Scalars.Of(2.0));
        var strongView = rand(8, 1, 28, 28).mul(Scalars.Of(3.0));
        a.train();
        a.forward(cat([labelled, weakView, strongView]));
        b.train();
        foreach (var part in new[] { labelled, weakView, strongView }) b.forward(part);
        var meanA = a.named_buffers().First(x => x.name.EndsWith("running_mean")).buffer;
        var meanB = b.named_buffers().First(x => x.name.EndsWith("running_mean")).buffer;
        using var noGrad = no_grad();
        var conv = a.named_children().First(c => c.name == "conv1").module as nn.Module<Tensor, Tensor>;
        var expected = conv!.forward(cat([labelled, weakView, strongView])).mean([0, 2, 3]).mul(Scalars.Of(0.1));
        Assert.True(meanA.sub(expected).abs().max().item<float>() < 1e-5);
        Assert.True(meanA.sub(meanB).abs().max().item<float>() > 1e-4);
    }
}

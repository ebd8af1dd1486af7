using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.FixMatch;

/// <summary>
/// The small CNN of the reading-group preset, for 1 × 28 × 28 images: a 5 × 5 convolution with stride 2 (width
/// channels, 14 × 14), a 3 × 3 convolution with stride 2 (2·width, 7 × 7) and a 3 × 3 convolution (2·width, 7 × 7),
/// each followed by batch norm and ReLU, then global average pooling and one linear layer to the logits. Strided
/// convolutions instead of pooling keep the activations small, which is what a CPU step's time is spent on.
/// Convolutions have no bias (batch norm follows), as in the WRN of the FixMatch reference code.
/// </summary>
public sealed class SmallCnn : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1, conv2, conv3;
    private readonly Module<Tensor, Tensor> bn1, bn2, bn3;
    private readonly Module<Tensor, Tensor> fc;

    /// <summary>
    /// Creates the network; weights come from torch's global generator (build it with <see cref="TorchRandom.Build{T}"/>).
    /// </summary>
    /// <param name="width">Channels of the first convolution.</param>
    /// <param name="classes">Output classes.</param>
    public SmallCnn(int width, int classes = 10) : base(nameof(SmallCnn))
    {
        conv1 = Conv2d(1, width, 5, stride: 2, padding: 2, bias: false);
        bn1 = new ScalarSafeBatchNorm2d(width);
        conv2 = Conv2d(width, 2 * width, 3, stride: 2, padding: 1, bias: false);
        bn2 = new ScalarSafeBatchNorm2d(2 * width);
        conv3 = Conv2d(2 * width, 2 * width, 3, padding: 1, bias: false);
        bn3 = new ScalarSafeBatchNorm2d(2 * width);
        fc = Linear(2 * width, classes);
        RegisterComponents();
    }

    /// <summary>Logits (N × classes) of images N × 1 × 28 × 28 in [0, 1].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(bn1.forward(conv1.forward(input)));
        x = functional.relu(bn2.forward(conv2.forward(x)));
        x = functional.relu(bn3.forward(conv3.forward(x)));
        return fc.forward(x.mean([2, 3])).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The trained network and its exponential moving average (FixMatch evaluates the EMA), as one module so a checkpoint
/// saves and restores both. The EMA starts as a copy of the initial weights.
/// </summary>
public sealed class StudentAndEma : Module
{
    private readonly SmallCnn student, ema;

    /// <summary>Builds both networks with the same initial weights.</summary>
    public StudentAndEma(int width) : base(nameof(StudentAndEma))
    {
        student = new SmallCnn(width);
        ema = new SmallCnn(width);
        using (no_grad())
        {
            var source = student.state_dict();
            var target = ema.state_dict();
            foreach (var (name, value) in source) target[name].copy_(value);
        }
        foreach (var p in ema.parameters()) p.requires_grad = false;
        RegisterComponents();
    }

    /// <summary>The network the optimizer trains.</summary>
    public SmallCnn Student => student;

    /// <summary>The exponential moving average of <see cref="Student"/>, batch-norm buffers included.</summary>
    public SmallCnn Ema => ema;
}

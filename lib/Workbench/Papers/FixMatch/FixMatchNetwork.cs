using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
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

/// <summary>The network a run trains.</summary>
public enum NetworkKind
{
    /// <summary>The reading-group <see cref="SmallCnn"/> (width knob: channels of its first convolution).</summary>
    SmallCnn,

    /// <summary>
    /// <see cref="WideResNet"/> 28-2 as in the FixMatch code (width knob: channels of its first scale, 32 for WRN-28-2).
    /// </summary>
    [JsonStringEnumMemberName("wide-resnet")]
    WideResNet,
}

/// <summary>
/// The Wide ResNet of the FixMatch reference code (<c>libml/models.py</c>, class <c>ResNet</c>; WRN-28-2 is scales 3,
/// filters 32, repeat 4), for 1 × 28 × 28 images: a 3 × 3 convolution to 16 channels, then three scales of four
/// pre-activation residual blocks with <c>filters · 2^scale</c> channels (the first block of scales 1 and 2 strides by
/// 2: 28 → 14 → 7), then batch norm, leaky ReLU, global average pooling and a linear layer. Blocks are
/// BN → leaky ReLU(0.1) → 3 × 3 conv → BN → leaky ReLU → 3 × 3 conv, plus the input, through a 1 × 1 convolution where
/// the channels change; the very first block adds its activated input ("activate before residual"). Batch norm uses
/// TensorFlow's momentum 0.999 (0.001 in PyTorch's convention) and epsilon 0.001; convolutions have biases and
/// He-normal weights with fan-out (σ = √(2 / (k²·filters))), the last layer Glorot-normal weights (the reference draws
/// it from a truncated normal; here a plain normal of the same σ). 1,469,354 parameters for grey images (WRN-28-2).
/// </summary>
public sealed class WideResNet : Module<Tensor, Tensor>
{
    const double Slope = 0.1, BnMomentum = 0.001, BnEps = 1e-3;
    private readonly Module<Tensor, Tensor> stem, bn, fc;
    private readonly ModuleList<WideBlock> blocks = new();

    /// <summary>
    /// Creates the network; weights come from torch's global generator (build it with <see cref="TorchRandom.Build{T}"/>).
    /// </summary>
    /// <param name="filters">Channels of the first scale (32 for WRN-28-2).</param>
    /// <param name="classes">Output classes.</param>
    /// <param name="scales">Scales (3).</param>
    /// <param name="repeat">Residual blocks per scale (4, i.e. depth 6·4 + 4 = 28).</param>
    public WideResNet(int filters, int classes = 10, int scales = 3, int repeat = 4) : base(nameof(WideResNet))
    {
        stem = Conv(1, 16, 3, 1);
        int channels = 16;
        for (int scale = 0; scale < scales; scale++)
            for (int i = 0; i < repeat; i++)
            {
                int output = filters << scale;
                blocks.Add(new WideBlock(channels, output, i == 0 && scale > 0 ? 2 : 1, activateBeforeResidual: i == 0 && scale == 0));
                channels = output;
            }
        bn = new ScalarSafeBatchNorm2d(channels, BnMomentum, BnEps);
        var linear = Linear(channels, classes);
        using (no_grad())
        {
            init.normal_(linear.weight, 0, Math.Sqrt(2.0 / (channels + classes)));
            init.zeros_(linear.bias);
        }
        fc = linear;
        RegisterComponents();
    }

    /// <summary>A k × k convolution with bias, He-normal weights over the fan-out and zero bias, padding "same".</summary>
    internal static Module<Tensor, Tensor> Conv(int input, int output, int kernel, int stride)
    {
        var conv = Conv2d(input, output, kernel, stride: stride, padding: kernel / 2);
        using (no_grad())
        {
            init.normal_(conv.weight, 0, Math.Sqrt(2.0 / (kernel * kernel * output)));
            init.zeros_(conv.bias);
        }
        return conv;
    }

    /// <summary>Leaky ReLU with slope 0.1 (the reference's).</summary>
    internal static Tensor Activate(Tensor x) => x.leaky_relu(Scalars.Of(Slope));

    /// <summary>A batch norm with the reference's momentum and epsilon.</summary>
    internal static ScalarSafeBatchNorm2d Norm(int channels) => new(channels, BnMomentum, BnEps);

    /// <summary>Logits (N × classes) of images N × 1 × 28 × 28 in [0, 1].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = stem.forward(input);
        foreach (var block in blocks) x = block.forward(x);
        return fc.forward(Activate(bn.forward(x)).mean([2, 3])).MoveToOuterDisposeScope();
    }
}

/// <summary>One pre-activation residual block of <see cref="WideResNet"/> (the reference's <c>residual</c>).</summary>
public sealed class WideBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> bn1, conv1, bn2, conv2;
    private readonly Module<Tensor, Tensor>? shortcut;
    private readonly bool activateBeforeResidual;

    /// <summary>Creates the block; a 1 × 1 projection of the input is added where the channels change.</summary>
    public WideBlock(int input, int output, int stride, bool activateBeforeResidual) : base(nameof(WideBlock))
    {
        bn1 = WideResNet.Norm(input);
        conv1 = WideResNet.Conv(input, output, 3, stride);
        bn2 = WideResNet.Norm(output);
        conv2 = WideResNet.Conv(output, output, 3, 1);
        if (input != output) shortcut = WideResNet.Conv(input, output, 1, stride);
        this.activateBeforeResidual = activateBeforeResidual;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = WideResNet.Activate(bn1.forward(input));
        var residual = activateBeforeResidual ? x : input;
        x = conv2.forward(WideResNet.Activate(bn2.forward(conv1.forward(x))));
        if (shortcut is not null) residual = shortcut.forward(residual);
        return residual.add(x, Scalars.One).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The trained network and its exponential moving average (FixMatch evaluates the EMA), as one module so a checkpoint
/// saves and restores both. The EMA starts as a copy of the initial weights.
/// </summary>
public sealed class StudentAndEma : Module
{
    private readonly Module<Tensor, Tensor> student, ema;

    /// <summary>Builds both networks with the same initial weights.</summary>
    /// <param name="width">The network's width knob (see <see cref="NetworkKind"/>).</param>
    /// <param name="network">Which network.</param>
    public StudentAndEma(int width, NetworkKind network = NetworkKind.SmallCnn) : base(nameof(StudentAndEma))
    {
        student = Create(network, width);
        ema = Create(network, width);
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
    public Module<Tensor, Tensor> Student => student;

    /// <summary>The exponential moving average of <see cref="Student"/>, batch-norm buffers included.</summary>
    public Module<Tensor, Tensor> Ema => ema;

    /// <summary>A new network of the given kind and width (weights from torch's global generator).</summary>
    public static Module<Tensor, Tensor> Create(NetworkKind network, int width) => network switch
    {
        NetworkKind.WideResNet => new WideResNet(width),
        _ => new SmallCnn(width),
    };
}

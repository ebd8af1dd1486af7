using TorchSharp;
using TorchSharp.Modules;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.RangeNet;

/// <summary>
/// A small encoder–decoder over range images [N, 5, H, W] → logits [N, classes, H, W], shaped like RangeNet++'s
/// DarkNet backbone at laptop scale: the encoder halves only the width (stride (1, 2)), because a range image has few
/// rows and many columns; the decoder doubles it back with transposed convolutions and adds the encoder's features at
/// each scale (skip connections). Convolutions are 3 × 3 with batch norm and ReLU. Batch norm is
/// <see cref="ScalarSafeBatchNorm2d"/>: TorchSharp's BatchNorm2d counts batches with <c>num_batches_tracked.add_(1)</c>,
/// an implicit Scalar per layer and step that reaches the finalizer (the crash of issue #9).
/// </summary>
public sealed class RangeSegNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> stem, down1, down2, mid, refine1, refine2, head;
    private readonly ConvTranspose2d up2, up1;

    /// <summary>Creates the network; weights come from torch's global generator
    /// (build it with <see cref="TorchRandom.Build{T}"/>).</summary>
    /// <param name="inputs">Input channels (5: range, x, y, z, remission).</param>
    /// <param name="classes">Output classes including unlabeled 0.</param>
    /// <param name="channels">Channels of the first stage; 2× and 4× deeper.</param>
    public RangeSegNet(int inputs, int classes, int channels) : base(nameof(RangeSegNet))
    {
        int c1 = channels, c2 = 2 * channels, c3 = 4 * channels;
        stem = Sequential(Block(inputs, c1, 1), Block(c1, c1, 1));
        down1 = Sequential(Block(c1, c2, 2), Block(c2, c2, 1));
        down2 = Sequential(Block(c2, c3, 2), Block(c3, c3, 1));
        mid = Block(c3, c3, 1);
        up2 = ConvTranspose2d(c3, c2, kernel_size: (1, 2), stride: (1, 2));
        refine2 = Block(c2, c2, 1);
        up1 = ConvTranspose2d(c2, c1, kernel_size: (1, 2), stride: (1, 2));
        refine1 = Block(c1, c1, 1);
        head = Conv2d(c1, classes, 1);
        RegisterComponents();
    }

    static Module<Tensor, Tensor> Block(int input, int output, int widthStride) => Sequential(
        Conv2d(input, output, kernel_size: (3, 3), stride: (1, widthStride), padding: (1, 1), bias: false),
        new ScalarSafeBatchNorm2d(output),
        ReLU());

    /// <summary>Logits per pixel. The width must be divisible by 4.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var s1 = stem.forward(input);
        var s2 = down1.forward(s1);
        var s3 = mid.forward(down2.forward(s2));
        var u2 = refine2.forward(up2.forward(s3).add(s2, Scalars.One));
        var u1 = refine1.forward(up1.forward(u2).add(s1, Scalars.One));
        return head.forward(u1).MoveToOuterDisposeScope();
    }
}

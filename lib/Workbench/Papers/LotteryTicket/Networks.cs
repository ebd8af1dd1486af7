using System.Text.Json.Serialization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.LotteryTicket;

/// <summary>The paper's networks (names as in the paper and on the command line).</summary>
public enum LotteryModel
{
    /// <summary>LeNet-300-100, the paper's MNIST network.</summary>
    [JsonStringEnumMemberName("lenet-300-100")] LeNet300100,
    /// <summary>Conv-2.</summary>
    [JsonStringEnumMemberName("conv-2")] Conv2,
    /// <summary>Conv-4.</summary>
    [JsonStringEnumMemberName("conv-4")] Conv4,
    /// <summary>Conv-6.</summary>
    [JsonStringEnumMemberName("conv-6")] Conv6,
}

/// <summary>Which pruning rate a layer gets.</summary>
public enum LayerKind
{
    /// <summary>Convolution (paper: pruned more slowly).</summary>
    Convolution,
    /// <summary>Hidden fully-connected layer.</summary>
    FullyConnected,
    /// <summary>The output layer (paper: half the fully-connected rate).</summary>
    Output,
}

/// <summary>One prunable weight tensor (biases are never pruned, as in the paper).</summary>
/// <param name="Name">Layer name, e.g. "fc1".</param>
/// <param name="Weight">The weight parameter.</param>
/// <param name="Kind">Its pruning class.</param>
public sealed record PrunableLayer(string Name, Parameter Weight, LayerKind Kind);

/// <summary>A network whose weight tensors can be masked.</summary>
public abstract class PrunableNetwork : Module<Tensor, Tensor>
{
    /// <summary>Names the module.</summary>
    protected PrunableNetwork(string name) : base(name) { }

    /// <summary>The prunable weights, input side first.</summary>
    public abstract IReadOnlyList<PrunableLayer> Layers { get; }

    /// <summary>Builds a network (PyTorch's default initialisation; seed torch first).</summary>
    public static PrunableNetwork Create(LotteryModel model) => model switch
    {
        LotteryModel.LeNet300100 => new LeNet300100(),
        LotteryModel.Conv2 => new ConvNet(1),
        LotteryModel.Conv4 => new ConvNet(2),
        LotteryModel.Conv6 => new ConvNet(3),
        _ => throw new ArgumentOutOfRangeException(nameof(model), $"model = {model} is not a network of this paper."),
    };
}

/// <summary>
/// LeNet-300-100 (LeCun et al. 1998), the paper's MNIST network: 784 → 300 → 100 → 10 with ReLU,
/// 266,200 weights (paper, Figure 2).
/// </summary>
public sealed class LeNet300100 : PrunableNetwork
{
    private readonly Linear fc1, fc2, fc3;

    /// <summary>Creates the network with PyTorch's default initialisation (seed torch first).</summary>
    public LeNet300100() : base("lenet_300_100")
    {
        fc1 = Linear(784, 300);
        fc2 = Linear(300, 100);
        fc3 = Linear(100, 10);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<PrunableLayer> Layers =>
    [
        new("fc1", fc1.weight!, LayerKind.FullyConnected),
        new("fc2", fc2.weight!, LayerKind.FullyConnected),
        new("fc3", fc3.weight!, LayerKind.Output),
    ];

    /// <summary>Logits for flattened 28 × 28 images.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(fc1.forward(input.reshape(-1, 784)));
        x = functional.relu(fc2.forward(x));
        return fc3.forward(x).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The paper's Conv-2/4/6 (VGG-like: pairs of 3 × 3 convolutions with 64, 128, 256 channels, each pair followed by
/// 2 × 2 max-pooling, then fully-connected 256 → 256 → 10), adapted from 32 × 32 colour to 28 × 28 grey inputs.
/// </summary>
public sealed class ConvNet : PrunableNetwork
{
    private readonly ModuleList<Conv2d> convs = new();
    private readonly Linear fc1, fc2, fc3;
    private readonly int blocks;

    /// <summary>Creates Conv-(2 × <paramref name="blocks"/>).</summary>
    public ConvNet(int blocks) : base($"conv_{2 * blocks}")
    {
        this.blocks = blocks;
        int channels = 1, size = 28;
        for (int b = 0; b < blocks; b++)
        {
            int width = 64 << b;
            convs.Add(Conv2d(channels, width, 3, padding: 1));
            convs.Add(Conv2d(width, width, 3, padding: 1));
            channels = width;
            size /= 2;
        }
        fc1 = Linear(channels * size * size, 256);
        fc2 = Linear(256, 256);
        fc3 = Linear(256, 10);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<PrunableLayer> Layers =>
        convs.Select((c, i) => new PrunableLayer($"conv{i + 1}", c.weight!, LayerKind.Convolution))
            .Concat([new PrunableLayer("fc1", fc1.weight!, LayerKind.FullyConnected),
                     new PrunableLayer("fc2", fc2.weight!, LayerKind.FullyConnected),
                     new PrunableLayer("fc3", fc3.weight!, LayerKind.Output)]).ToList();

    /// <summary>Logits for 28 × 28 images (any leading shape that reshapes to N × 1 × 28 × 28).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.reshape(-1, 1, 28, 28);
        for (int b = 0; b < blocks; b++)
        {
            x = functional.relu(convs[2 * b].forward(x));
            x = functional.relu(convs[2 * b + 1].forward(x));
            x = functional.max_pool2d(x, 2);
        }
        x = functional.relu(fc1.forward(x.flatten(1)));
        x = functional.relu(fc2.forward(x));
        return fc3.forward(x).MoveToOuterDisposeScope();
    }
}

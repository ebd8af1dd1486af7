using TorchSharp;
using TorchSharp.Modules;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.PointRend;

/// <summary>
/// A small segmentation network in PointRend's shape (paper Sec. 3): a convolutional backbone giving stride-2 fine
/// features and stride-8 coarse logits (C logits per coarse cell: C = 1 for a binary mask, one per class for a semantic
/// mask), and a point head, an MLP applied
/// independently at each point to the fine features sampled there concatenated with the coarse prediction sampled
/// there, the coarse prediction being concatenated again at the input of every layer (detectron2
/// StandardPointHead, coarse_pred_each_layer).
/// </summary>
public sealed class PointRendNetwork : Module<Tensor, Tensor>
{
    private readonly Sequential stem;
    private readonly Sequential trunk;
    private readonly Conv2d coarseHead;
    private readonly ModuleList<Linear> headLayers;
    private readonly Linear predictor;

    /// <summary>Creates the network; build it through <see cref="TorchRandom.Build{T}"/> for a seeded initialisation.</summary>
    /// <param name="fineChannels">Channels of the stride-2 fine features.</param>
    /// <param name="headWidth">Width of the point head's hidden layers.</param>
    /// <param name="headLayerCount">Hidden layers of the point head (the paper: 3).</param>
    /// <param name="classes">Logits per point: 1 for a binary mask, the number of classes (background included) for a
    /// semantic mask.</param>
    /// <param name="trunkChannels">Width of the stride-8 trunk (its first layer has three quarters of it).</param>
    public PointRendNetwork(int fineChannels, int headWidth, int headLayerCount = 3, int classes = 1, int trunkChannels = 64)
        : base(nameof(PointRendNetwork))
    {
        FineChannels = fineChannels;
        Classes = classes;
        int t = trunkChannels, first = 3 * trunkChannels / 4;
        stem = Sequential(
            Conv2d(1, 16, 3, padding: 1), ReLU(),
            Conv2d(16, fineChannels, 3, stride: 2, padding: 1), ReLU());
        trunk = Sequential(
            Conv2d(fineChannels, first, 3, stride: 2, padding: 1), ReLU(),
            Conv2d(first, t, 3, stride: 2, padding: 1), ReLU(),
            Conv2d(t, t, 3, padding: 1), ReLU(),
            Conv2d(t, t, 3, padding: 2, dilation: 2), ReLU());
        coarseHead = Conv2d(t, classes, 1);
        var layers = new List<Linear>();
        int inputs = fineChannels + classes;
        for (int i = 0; i < headLayerCount; i++)
        {
            layers.Add(Linear(inputs, headWidth));
            inputs = headWidth + classes; // the coarse prediction again at every layer
        }
        headLayers = ModuleList(layers.ToArray());
        predictor = Linear(inputs, classes);
        RegisterComponents();
    }

    /// <summary>Channels of the fine features.</summary>
    public int FineChannels { get; }

    /// <summary>Logits per point (1: binary mask; otherwise classes, background included).</summary>
    public int Classes { get; }

    /// <summary>Coarse logits, B × K × S/8 × S/8 (K = <see cref="Classes"/>), of B × 1 × S × S images.</summary>
    public override Tensor forward(Tensor images) => Features(images).Coarse;

    /// <summary>Coarse logits (B × K × S/8 × S/8) and fine features (B × C × S/2 × S/2).</summary>
    public (Tensor Coarse, Tensor Fine) Features(Tensor images)
    {
        var fine = stem.forward(images);
        return (coarseHead.forward(trunk.forward(fine)), fine);
    }

    /// <summary>
    /// Point logits at points B × P × 2 ((x, y) in [0, 1]²), from the fine features sampled there and the coarse
    /// prediction at the points, B × P × K (sampled from the ORIGINAL coarse logits, at inference too): B × P for a
    /// binary mask (K = 1), B × P × K for a semantic one.
    /// </summary>
    public Tensor PointLogits(Tensor fine, Tensor coarseAtPoints, Tensor coords)
    {
        var fineAtPoints = Sample(fine, coords);
        var x = cat([fineAtPoints, coarseAtPoints], 2);
        foreach (var layer in headLayers) x = cat([functional.relu(layer.forward(x)), coarseAtPoints], 2);
        var logits = predictor.forward(x);
        return Classes == 1 ? logits.squeeze(2) : logits;
    }

    /// <summary>
    /// point_sample: B × C × H × W maps at B × P × 2 points in [0, 1]² → B × P × C, bilinear, align_corners = false,
    /// zero padding (grid_sample of 2·coords − 1; the same numbers as Kernels.Points.PointSampling, tested).
    /// </summary>
    public static Tensor Sample(Tensor maps, Tensor coords)
    {
        var grid = coords.mul(Scalars.Of(2.0)).sub(Scalars.One).unsqueeze(2);
        var sampled = functional.grid_sample(maps, grid, align_corners: false); // B × C × P × 1
        return sampled.squeeze(3).permute(0, 2, 1);
    }
}

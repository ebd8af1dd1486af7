using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Torch;

/// <summary>
/// 2D batch norm as PyTorch's <c>BatchNorm2d</c> (momentum 0.1 and eps 1e-5 unless given; affine, running statistics), without
/// the per-step <c>num_batches_tracked.add_(1)</c> of TorchSharp's module, which creates an implicit native Scalar
/// every call; the batch counter only matters for momentum = None, which this module does not offer.
/// </summary>
public sealed class ScalarSafeBatchNorm2d : Module<Tensor, Tensor>
{
    private readonly Parameter weight, bias;
    private readonly Tensor running_mean, running_var;

    private readonly double momentum, eps;

    /// <summary>Creates the layer: weight 1, bias 0, running mean 0, running variance 1.</summary>
    /// <param name="features">Channels.</param>
    /// <param name="momentum">Weight of the batch statistics in the running ones (PyTorch's convention; TensorFlow's
    /// momentum m is 1 − m here).</param>
    /// <param name="eps">Added to the variance before the root.</param>
    public ScalarSafeBatchNorm2d(long features, double momentum = 0.1, double eps = 1e-5) : base(nameof(ScalarSafeBatchNorm2d))
    {
        this.momentum = momentum;
        this.eps = eps;
        weight = new Parameter(ones(features));
        bias = new Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        register_buffer("running_mean", running_mean);
        register_buffer("running_var", running_var);
        RegisterComponents();
    }

    /// <summary>Normalises with the batch's statistics while training (updating the running ones), else the running ones.</summary>
    public override Tensor forward(Tensor input) =>
        nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps);
}

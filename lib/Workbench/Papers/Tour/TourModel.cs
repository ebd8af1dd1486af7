using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.Tour;

/// <summary>Softmax regression (hidden = 0) or a one-hidden-layer ReLU network over 28 × 28 images.</summary>
public sealed class TourClassifier : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> layers;

    /// <summary>Creates the classifier; weights are drawn from torch's global generator (seed it first).</summary>
    public TourClassifier(int hidden, int inputs = 28 * 28, int classes = 10) : base(nameof(TourClassifier))
    {
        layers = hidden == 0
            ? Linear(inputs, classes)
            : Sequential(Linear(inputs, hidden), ReLU(), Linear(hidden, classes));
        RegisterComponents();
    }

    /// <summary>Logits for a batch of flattened images in [0, 1].</summary>
    public override Tensor forward(Tensor input) => layers.forward(input);
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Torch;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay, in PyTorch's
/// update order (the momentum buffer starts as the first gradient): numerically identical to <c>torch.optim.SGD</c>
/// and TorchSharp's <c>optim.SGD</c>, without their finalizer hazard (see <see cref="Optimizer"/>).
/// </summary>
public sealed class SGD : Optimizer
{
    readonly Scalar _momentum, _oneMinusDampening, _weightDecay;
    readonly double _momentumValue, _weightDecayValue;
    readonly bool _nesterov;
    Tensor?[] _buffers;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="lr">Learning rate (&gt; 0).</param>
    /// <param name="momentum">Momentum factor, in [0, 1).</param>
    /// <param name="dampening">Dampening of the momentum, in [0, 1].</param>
    /// <param name="weight_decay">L2 penalty added to the gradient (≥ 0).</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0,
        bool nesterov = false) : base(parameters, lr)
    {
        if (momentum is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(momentum), $"SGD momentum {momentum} is out of range: it must be in [0, 1).");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException(
                $"Nesterov momentum needs momentum > 0 and dampening = 0 (got momentum {momentum}, dampening {dampening}).");
        (_momentumValue, _weightDecayValue, _nesterov) = (momentum, weight_decay, nesterov);
        (_momentum, _oneMinusDampening, _weightDecay) = (Scalars.Of(momentum), Scalars.Of(1 - dampening), Scalars.Of(weight_decay));
        _buffers = new Tensor?[Parameters.Count];
    }

    /// <inheritdoc/>
    protected override void Update()
    {
        using var negativeLearningRate = (-LearningRate).ToScalar();
        for (int i = 0; i < Parameters.Count; i++)
        {
            var param = Parameters[i];
            var grad = param.grad;
            if (grad is null) continue;
            if (_weightDecayValue != 0) grad = grad.add(param, _weightDecay);
            if (_momentumValue != 0)
            {
                if (_buffers[i] is not { } buffer) _buffers[i] = buffer = grad.clone().detach().DetachFromDisposeScope();
                else buffer.mul_(_momentum).add_(grad, _oneMinusDampening);
                grad = _nesterov ? grad.add(buffer, _momentum) : buffer;
            }
            param.add_(grad, negativeLearningRate);
        }
    }

    /// <inheritdoc/>
    protected override IEnumerable<Tensor?> State() => _buffers;

    /// <inheritdoc/>
    protected override void Restore(IReadOnlyList<Tensor?> saved)
    {
        if (saved.Count != Parameters.Count)
            throw new InvalidDataException($"The SGD state holds {saved.Count} tensors; this optimizer needs {Parameters.Count}.");
        foreach (var t in _buffers) t?.Dispose();
        _buffers = [.. saved];
    }
}

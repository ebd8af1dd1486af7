using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Torch;

/// <summary>
/// Adam (Kingma &amp; Ba, ICLR 2015) with PyTorch's defaults and update order (L2 weight decay added to the gradient,
/// bias-corrected step size): numerically identical to <c>torch.optim.Adam</c> and TorchSharp's <c>optim.Adam</c>,
/// without their finalizer hazard (see <see cref="Optimizer"/>).
/// </summary>
/// <remarks>
/// The second-moment estimate is clamped to the smallest normal number of its type before the square root. libtorch's
/// CPU square root takes a slow path on zero and subnormal inputs (measured on a 300 × 784 float tensor, one thread:
/// 0.16 ms dense, 1.0–1.3 ms with 80 % zeros, 5 ms with subnormals; benchmarks/README.md), and a pruned network's
/// masked weights keep a zero second moment for the whole run, so without the clamp Adam's step took twice as long
/// on a pruned network. The clamp does not change a number: below the smallest normal, √v / √(1 − β2ᵗ) is less than
/// half a unit in the last place of ε, so the denominator rounds to ε exactly as it does for v = 0 (the clamp is
/// skipped for the rare ε or β2 where that bound fails).
/// </remarks>
public sealed class Adam : Optimizer
{
    readonly Scalar _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps, _weightDecay;
    readonly double _beta1Value, _beta2Value, _weightDecayValue, _epsValue;
    Tensor[] _expAvg, _expAvgSq;

    /// <summary>Creates the optimizer with zero moment estimates.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="lr">Learning rate (&gt; 0).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="eps">Added to the denominator (&gt; 0).</param>
    /// <param name="weight_decay">L2 penalty added to the gradient (≥ 0).</param>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0) : base(parameters, lr)
    {
        if (beta1 is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam beta1 {beta1} is out of range: it must be in [0, 1).");
        if (beta2 is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(beta2), $"Adam beta2 {beta2} is out of range: it must be in [0, 1).");
        (_beta1Value, _beta2Value, _weightDecayValue, _epsValue) = (beta1, beta2, weight_decay, eps);
        (_beta1, _oneMinusBeta1) = (Scalars.Of(beta1), Scalars.Of(1 - beta1));
        (_beta2, _oneMinusBeta2) = (Scalars.Of(beta2), Scalars.Of(1 - beta2));
        (_eps, _weightDecay) = (Scalars.Of(eps), Scalars.Of(weight_decay));
        using var noGrad = no_grad();
        _expAvg = [.. Parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
        _expAvgSq = [.. Parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
    }

    /// <inheritdoc/>
    protected override void Update()
    {
        double biasCorrection1 = 1 - Math.Pow(_beta1Value, Steps);
        double biasCorrection2 = 1 - Math.Pow(_beta2Value, Steps);
        using var sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
        using var negativeStepSize = (-(LearningRate / biasCorrection1)).ToScalar();
        for (int i = 0; i < Parameters.Count; i++)
        {
            var param = Parameters[i];
            var grad = param.grad;
            if (grad is null) continue;
            if (_weightDecayValue != 0) grad = grad.add(param, _weightDecay);
            _expAvg[i].mul_(_beta1).add_(grad, _oneMinusBeta1);
            _expAvgSq[i].mul_(_beta2).addcmul_(grad, grad, _oneMinusBeta2);
            var clamp = SmallestNormal(_expAvgSq[i].dtype, biasCorrection2);
            var denominator = (clamp is null ? _expAvgSq[i].sqrt() : _expAvgSq[i].clamp_min(clamp).sqrt_())
                .div_(sqrtBiasCorrection2).add_(_eps, Scalars.One);
            param.addcdiv_(_expAvg[i], denominator, negativeStepSize);
        }
    }

    static readonly Scalar SmallestFloat = Scalars.Of(1.1754943508222875e-38), SmallestDouble = Scalars.Of(2.2250738585072014e-308);

    /// <summary>
    /// The smallest normal number of <paramref name="type"/> when clamping the second moment to it leaves the
    /// denominator unchanged: √(min normal / (1 − β2ᵗ)) below half a unit in the last place of ε (ulp(ε) ≥ ε · 2^−p
    /// for p significand bits, so ε · 2^−(p+1) is a safe bound). Null: no clamp.
    /// </summary>
    Scalar? SmallestNormal(ScalarType type, double biasCorrection2)
    {
        var (smallest, minNormal, bits) = type switch
        {
            ScalarType.Float32 => (SmallestFloat, 1.1754943508222875e-38, 24),
            ScalarType.Float64 => (SmallestDouble, 2.2250738585072014e-308, 53),
            _ => (null, 0.0, 0),
        };
        return smallest is not null && Math.Sqrt(minNormal / biasCorrection2) < _epsValue * Math.Pow(2, -(bits + 1)) ? smallest : null;
    }

    /// <inheritdoc/>
    protected override IEnumerable<Tensor?> State() => _expAvg.Concat(_expAvgSq);

    /// <inheritdoc/>
    protected override void Restore(IReadOnlyList<Tensor?> saved)
    {
        int n = Parameters.Count;
        if (saved.Count != 2 * n || saved.Any(t => t is null))
            throw new InvalidDataException($"The Adam state holds {saved.Count} tensors; this optimizer needs {2 * n}.");
        foreach (var t in State()) t?.Dispose();
        _expAvg = [.. saved.Take(n).Select(t => t!)];
        _expAvgSq = [.. saved.Skip(n).Select(t => t!)];
    }
}

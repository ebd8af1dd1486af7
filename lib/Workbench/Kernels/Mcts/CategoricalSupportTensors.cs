using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Kernels.Mcts;

/// <summary>
/// TorchSharp versions of <see cref="ValueTransform"/> and <see cref="CategoricalSupport"/> for a training step: the
/// same definitions (MuZero Appendix F; rlax <c>signed_hyperbolic</c> / <c>signed_parabolic</c>; muzero-general
/// <c>scalar_to_support</c> / <c>support_to_scalar</c>), batched, on the tensors' device. Call inside the caller's
/// <c>torch.NewDisposeScope()</c>; every constant is a held <see cref="Scalars"/> scalar.
/// </summary>
public static class CategoricalSupportTensors
{
    /// <summary>h(x) = sign(x)(√(|x| + 1) − 1) + εx, elementwise (differentiable).</summary>
    public static Tensor H(Tensor x, double epsilon = ValueTransform.Epsilon)
    {
        using var root = x.abs().add(Scalars.Of(1.0), Scalars.One).sqrt();
        using var shrunk = root.add(Scalars.Of(-1.0), Scalars.One);
        using var sign = x.sign();
        using var signed = sign.mul(shrunk);
        return signed.add(x, Scalars.Of(epsilon));
    }

    /// <summary>
    /// The exact inverse of <see cref="H"/>, elementwise: sign(y)((2(|y| + 1 + ε) / (√(1 + 4ε(|y| + 1 + ε)) + 1))² − 1).
    /// </summary>
    /// <exception cref="ArgumentException">ε is not finite and &gt; 0.</exception>
    public static Tensor Inverse(Tensor y, double epsilon = ValueTransform.Epsilon)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentException($"epsilon = {epsilon} is out of range: the tensor inverse transform needs a finite epsilon > 0.");
        using var inner = y.abs().add(Scalars.Of(1 + epsilon), Scalars.One);
        using var disc = inner.mul(Scalars.Of(4 * epsilon)).add(Scalars.Of(1.0), Scalars.One).sqrt();
        using var denominator = disc.add(Scalars.Of(1.0), Scalars.One);
        using var z = inner.mul(Scalars.Of(2.0)).div(denominator);
        using var magnitude = z.mul(z).add(Scalars.Of(-1.0), Scalars.One);
        using var sign = y.sign();
        return sign.mul(magnitude);
    }

    /// <summary>Two-hot rows (B × (2S + 1)) of B scalars clipped to [−S, S] (no transform; a target, no gradient).</summary>
    /// <exception cref="ArgumentException">The scalars are not one-dimensional or S is below 1.</exception>
    public static Tensor TwoHot(Tensor scalars, int size)
    {
        Check(size);
        if (scalars.dim() != 1)
            throw new ArgumentException($"TwoHot takes a vector of B scalars, not a tensor of shape [{string.Join(", ", scalars.shape)}].");
        using var noGrad = no_grad();
        using var x = scalars.to_type(ScalarType.Float32).clamp(Scalars.Of((double)-size), Scalars.Of((double)size));
        using var floor = x.floor();
        using var upper = x.add(floor, Scalars.Of(-1.0));
        using var lower = upper.neg().add(Scalars.Of(1.0), Scalars.One);
        using var lowIndex = floor.add(Scalars.Of((double)size), Scalars.One).to_type(ScalarType.Int64);
        using var highIndex = lowIndex.add(Scalars.One, Scalars.One).clamp_max(Scalars.Of((long)(2 * size)));
        var result = zeros([scalars.shape[0], 2 * size + 1], ScalarType.Float32, scalars.device);
        using var lowColumn = lowIndex.unsqueeze(1);
        using var highColumn = highIndex.unsqueeze(1);
        using var lowerColumn = lower.unsqueeze(1);
        using var upperColumn = upper.unsqueeze(1);
        result.scatter_add_(1, lowColumn, lowerColumn);
        result.scatter_add_(1, highColumn, upperColumn);
        return result;
    }

    /// <summary>MuZero's target encoding: <see cref="TwoHot"/> of h(values).</summary>
    public static Tensor Encode(Tensor values, int size, double epsilon = ValueTransform.Epsilon)
    {
        using var transformed = H(values, epsilon);
        return TwoHot(transformed, size);
    }

    /// <summary>Scalars (B) from logits (B × (2S + 1)): softmax, expectation over {−S, …, S}, then h⁻¹ (differentiable).</summary>
    /// <exception cref="ArgumentException">The logits are not B × (2S + 1).</exception>
    public static Tensor Decode(Tensor logits, int size, double epsilon = ValueTransform.Epsilon)
    {
        Check(size);
        if (logits.dim() != 2 || logits.shape[1] != 2 * size + 1)
            throw new ArgumentException(
                $"Decode takes B × {2 * size + 1} logits for S = {size}, not a tensor of shape [{string.Join(", ", logits.shape)}].");
        var support = new float[2 * size + 1];
        for (int i = 0; i < support.Length; i++) support[i] = i - size;
        using var supportTensor = tensor(support, [1, support.Length], device: logits.device);
        using var probabilities = logits.softmax(1);
        using var weighted = probabilities.mul(supportTensor);
        using var expectation = weighted.sum(1);
        return Inverse(expectation, epsilon);
    }

    static void Check(int size)
    {
        if (size < 1)
            throw new ArgumentException($"support_size = {size} is out of range: the categorical support needs S >= 1 (2S + 1 bins).");
    }
}

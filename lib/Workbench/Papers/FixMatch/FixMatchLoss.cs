using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.FixMatch;

/// <summary>How pseudo-labels are formed from the weak view's prediction.</summary>
public enum PseudoLabels
{
    /// <summary>FixMatch: the argmax class (a one-hot target).</summary>
    Hard,

    /// <summary>The ablation: the prediction sharpened by a temperature (softmax(logits / T)), as a soft target.</summary>
    Sharpened,
}

/// <summary>The unlabelled part of one FixMatch step.</summary>
/// <param name="Loss">ℓu: the masked cross-entropy averaged over all μB unlabelled examples (a scalar tensor).</param>
/// <param name="Mask">1 where the weak view's largest class probability is at least τ, else 0 (μB floats).</param>
/// <param name="Targets">The pseudo-labels: argmax of the weak view (μB longs).</param>
/// <param name="Confidence">The weak view's largest class probability (μB floats).</param>
public sealed record UnlabelledTerm(Tensor Loss, Tensor Mask, Tensor Targets, Tensor Confidence);

/// <summary>
/// FixMatch's loss (Sohn et al. 2020, Eq. 2–4): ℓ = ℓs + λu·ℓu, with ℓs the cross-entropy of the weakly augmented
/// labelled batch and ℓu = (1/μB) Σ_b 1[max q_b ≥ τ] · H(q̂_b, p(y | A(u_b))), where q_b is the prediction on the weak
/// view (no gradient flows through it) and A a strong augmentation. Weight decay is added as the official code does,
/// wd · Σ ½‖W‖² over convolution and linear weights only (batch-norm scales and all biases are not decayed).
/// </summary>
public static class FixMatchLoss
{
    /// <summary>ℓs: mean cross-entropy of the labelled logits (B × C) against labels (B).</summary>
    public static Tensor Supervised(Tensor logits, Tensor labels) => functional.cross_entropy(logits, labels);

    /// <summary>
    /// ℓu from the weak and strong logits of the same μB unlabelled images. The weak logits are detached here, so no
    /// gradient reaches them; the mean runs over all μB examples, not over the confident ones (Eq. 4).
    /// </summary>
    /// <param name="weakLogits">μB × C logits of the weak views.</param>
    /// <param name="strongLogits">μB × C logits of the strong views.</param>
    /// <param name="threshold">τ in [0, 1].</param>
    /// <param name="kind">Hard (FixMatch) or sharpened soft pseudo-labels.</param>
    /// <param name="temperature">Sharpening temperature T &gt; 0 (soft labels only).</param>
    public static UnlabelledTerm Unlabelled(Tensor weakLogits, Tensor strongLogits, double threshold, PseudoLabels kind = PseudoLabels.Hard,
        double temperature = 0.5)
    {
        using var scope = NewDisposeScope();
        var weak = weakLogits.detach();
        var probabilities = functional.softmax(weak, 1);
        var (confidence, targets) = probabilities.max(1);
        var mask = confidence.ge(Scalars.Of(threshold)).to_type(ScalarType.Float32);
        Tensor perExample = kind == PseudoLabels.Hard
            ? functional.cross_entropy(strongLogits, targets, reduction: Reduction.None)
            : functional.softmax(weak.div(Scalars.Of(temperature)), 1).mul(functional.log_softmax(strongLogits, 1)).sum(1).neg();
        var loss = perExample.mul(mask).mean();
        return new UnlabelledTerm(loss.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(),
            confidence.MoveToOuterDisposeScope());
    }

    /// <summary>The parameters weight decay applies to: convolution and linear weights (every parameter of rank ≥ 2).</summary>
    public static IEnumerable<Tensor> DecayedWeights(nn.Module model) => model.parameters().Where(p => p.dim() >= 2);

    /// <summary>Σ ½‖W‖² over <see cref="DecayedWeights"/> (TensorFlow's <c>l2_loss</c>, as the official code sums it).</summary>
    public static Tensor L2(nn.Module model)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        foreach (var w in DecayedWeights(model))
        {
            var term = w.pow(Scalars.Of(2L)).sum();
            sum = sum is null ? term : sum.add(term, Scalars.One);
        }
        return (sum ?? zeros(1)).mul(Scalars.Of(0.5)).MoveToOuterDisposeScope();
    }

    /// <summary>The learning rate at step k of K: η · cos(7πk / 16K) (ends near 0.2·η, not at zero).</summary>
    public static double LearningRate(double eta, long step, long totalSteps) => eta * Math.Cos(7 * Math.PI * step / (16.0 * totalSteps));

    /// <summary>
    /// One EMA update of every parameter and every buffer (batch-norm running mean and variance included):
    /// ema ← decay · ema + (1 − decay) · student.
    /// </summary>
    public static void UpdateEma(nn.Module student, nn.Module ema, double decay)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var keep = Scalars.Of(decay);
        var take = Scalars.Of(1 - decay);
        var s = student.state_dict();
        foreach (var (name, value) in ema.state_dict())
            if (value.is_floating_point()) value.mul_(keep).add_(s[name], take);
    }
}

using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.SoftSort;

/// <summary>
/// The O(n²) soft ranks the paper compares against, written with TorchSharp ops (autograd through them), ascending
/// (the largest value gets rank ≈ n). Both hold n × n matrices per row: that is what limits them.
/// </summary>
public static class SoftRankBaselines
{
    /// <summary>
    /// All-pairs sigmoid soft rank: <c>rᵢ = 1 + Σ_{j≠i} σ((θᵢ − θⱼ)/ε)</c> over the last dimension.
    /// </summary>
    public static Tensor AllPairs(Tensor values, double epsilon)
    {
        using var eps = epsilon.ToScalar();
        var diff = values.unsqueeze(-1).sub(values.unsqueeze(-2));
        // σ(0) = ½ on the diagonal, so 1 + Σ_{j≠i} = ½ + Σ_j.
        return nn.functional.sigmoid(diff.div(eps)).sum(-1).add(Scalars.Of(0.5), Scalars.One);
    }

    /// <summary>
    /// Sinkhorn soft rank (Cuturi, Teboul &amp; Vert, 2019): entropic optimal transport, with <paramref name="iterations"/>
    /// log-domain Sinkhorn iterations, between the squashed values σ(standardised θ) and the n targets 0, 1/(n−1), …, 1
    /// with uniform weights; <c>rᵢ = n Σⱼ Pᵢⱼ (j + 1)</c>.
    /// </summary>
    /// <param name="values">Scores, shape [n] or [rows, n].</param>
    /// <param name="epsilon">Entropic regularisation in squared-distance units of the squashed values (e.g. 1e-2).</param>
    /// <param name="iterations">Sinkhorn iterations T.</param>
    public static Tensor Sinkhorn(Tensor values, double epsilon, int iterations)
    {
        long n = values.shape[^1];
        var two = Scalars.Of(2L);
        // Per-call values are disposed at the end of the call rather than left to the finalizer (see Scalars).
        using var eps = epsilon.ToScalar();
        using var negativeEps = (-epsilon).ToScalar();
        using var epsLogWeight = (epsilon * -Math.Log(n)).ToScalar();
        using var count = n.ToScalar();
        var centred = values.sub(values.mean([-1], keepdim: true));
        var std = centred.pow(two).mean([-1], keepdim: true).sqrt().add(Scalars.Of(1e-12), Scalars.One);
        var x = nn.functional.sigmoid(centred.div(std));
        var targets = n > 1 ? linspace(0, 1, n, dtype: values.dtype) : zeros(1, dtype: values.dtype);
        var cost = x.unsqueeze(-1).sub(targets).pow(two); // [.., n, n]
        var f = zeros_like(x);
        var g = zeros_like(x);
        for (int t = 0; t < iterations; t++)
        {
            // f = −ε logsumexp((g − C)/ε) + ε log(1/n), and likewise g.
            f = g.unsqueeze(-2).sub(cost).div(eps).logsumexp(-1).mul(negativeEps).add(epsLogWeight, Scalars.One);
            g = f.unsqueeze(-1).sub(cost).div(eps).logsumexp(-2).mul(negativeEps).add(epsLogWeight, Scalars.One);
        }
        var plan = f.unsqueeze(-1).add(g.unsqueeze(-2), Scalars.One).sub(cost).div(eps).exp();
        using var last = (n + 1).ToScalar();
        var positions = arange(Scalars.One, last, Scalars.One, dtype: values.dtype);
        return plan.mul(positions).sum(-1).mul(count);
    }

    /// <summary>Estimated peak bytes of forward + backward for one row of n (float64), used to skip runs that would not fit.</summary>
    internal static double AllPairsBytes(long n) => 4.0 * n * n * 8;

    /// <summary>Estimated peak bytes of forward + backward for one row of n (float64) with T iterations.</summary>
    internal static double SinkhornBytes(long n, int iterations) => (3.0 * iterations + 4) * n * n * 8;
}

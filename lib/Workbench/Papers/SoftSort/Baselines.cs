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
        var diff = values.unsqueeze(-1) - values.unsqueeze(-2);
        // σ(0) = ½ on the diagonal, so 1 + Σ_{j≠i} = ½ + Σ_j.
        return nn.functional.sigmoid(diff / epsilon).sum(-1) + 0.5;
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
        var centred = values - values.mean([-1], keepdim: true);
        var std = centred.pow(2).mean([-1], keepdim: true).sqrt() + 1e-12;
        var x = nn.functional.sigmoid(centred / std);
        var targets = n > 1 ? linspace(0, 1, n, dtype: values.dtype) : zeros(1, dtype: values.dtype);
        var cost = (x.unsqueeze(-1) - targets).pow(2); // [.., n, n]
        double logWeight = -Math.Log(n);
        var f = zeros_like(x);
        var g = zeros_like(x);
        for (int t = 0; t < iterations; t++)
        {
            f = -epsilon * ((g.unsqueeze(-2) - cost) / epsilon).logsumexp(-1) + epsilon * logWeight;
            g = -epsilon * ((f.unsqueeze(-1) - cost) / epsilon).logsumexp(-2) + epsilon * logWeight;
        }
        var plan = ((f.unsqueeze(-1) + g.unsqueeze(-2) - cost) / epsilon).exp();
        var positions = arange(1, n + 1, dtype: values.dtype);
        return n * (plan * positions).sum(-1);
    }

    /// <summary>Estimated peak bytes of forward + backward for one row of n (float64), used to skip runs that would not fit.</summary>
    internal static double AllPairsBytes(long n) => 4.0 * n * n * 8;

    /// <summary>Estimated peak bytes of forward + backward for one row of n (float64) with T iterations.</summary>
    internal static double SinkhornBytes(long n, int iterations) => (3.0 * iterations + 4) * n * n * 8;
}

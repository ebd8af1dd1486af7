using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Kernels.Attention;

/// <summary>
/// Full dot-product attention: every query against every key, O(L²) time and memory (the L × L score matrix). With
/// shared query-keys (<see cref="SharedQk"/>) it is the exact target of LSH attention: the same keys (normalised
/// queries), the same masks; with separate queries and keys (<see cref="Standard"/>) it is the usual Transformer layer.
/// </summary>
public static class FullAttention
{
    /// <summary>
    /// softmax(mask(q·kᵀ))·v over all keys (the caller scales q or k), and the log-sum-exp of each query's masked dots.
    /// </summary>
    /// <param name="queries">[N, Lq, d].</param>
    /// <param name="keys">[N, Lk, d].</param>
    /// <param name="values">[N, Lk, dv].</param>
    /// <param name="causal">Mask keys after the query (positions 0…L−1 on both sides).</param>
    /// <param name="maskSelf">Mask a token from itself (finite, see <see cref="AttentionMasks.SelfPenalty"/>).</param>
    /// <returns>Output [N, Lq, dv] and log-sum-exp [N, Lq].</returns>
    public static (Tensor Output, Tensor LogSumExp) Forward(Tensor queries, Tensor keys, Tensor values, bool causal, bool maskSelf)
    {
        using var scope = NewDisposeScope();
        long lq = queries.shape[1], lk = keys.shape[1];
        var dots = queries.matmul(keys.transpose(1, 2));
        if (causal || maskSelf)
        {
            var qPos = AttentionMasks.Positions(lq, queries.device).unsqueeze(1);
            var kPos = AttentionMasks.Positions(lk, queries.device).unsqueeze(0);
            dots = AttentionMasks.Apply(dots, qPos, kPos, causal, maskSelf);
        }
        var max = dots.amax([-1], keepdim: true);
        var weights = dots.sub(max).exp();
        var sum = weights.sum([-1], keepdim: true);
        var output = weights.div(sum).matmul(values);
        return (output.MoveToOuterDisposeScope(), max.add(sum.log(), Scalars.One).squeeze(-1).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Shared-QK attention (Reformer Sec. 2.1): keys are the queries normalised to unit length
    /// (<see cref="AttentionMasks.SharedKeys"/>), a token is masked from itself unless nothing else is available.
    /// </summary>
    /// <param name="queryKeys">[N, L, d] shared query-keys.</param>
    /// <param name="values">[N, L, dv].</param>
    /// <param name="causal">Causal (language-model) masking.</param>
    /// <returns>Output [N, L, dv].</returns>
    public static Tensor SharedQk(Tensor queryKeys, Tensor values, bool causal)
    {
        using var scope = NewDisposeScope();
        var (output, _) = Forward(queryKeys, AttentionMasks.SharedKeys(queryKeys), values, causal, maskSelf: true);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Standard attention with separate queries and keys: softmax(q·kᵀ/√d)·v, no self-mask.</summary>
    /// <param name="queries">[N, L, d].</param>
    /// <param name="keys">[N, L, d].</param>
    /// <param name="values">[N, L, dv].</param>
    /// <param name="causal">Causal masking.</param>
    /// <returns>Output [N, L, dv].</returns>
    public static Tensor Standard(Tensor queries, Tensor keys, Tensor values, bool causal)
    {
        using var scope = NewDisposeScope();
        var scaled = keys.mul(Scalars.Of(1.0 / Math.Sqrt(keys.shape[^1])));
        var (output, _) = Forward(queries, scaled, values, causal, maskSelf: false);
        return output.MoveToOuterDisposeScope();
    }
}

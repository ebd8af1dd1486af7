using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Kernels.Attention;

/// <summary>
/// Exact attention computed block by block with an online softmax (running maximum, running sum, running output;
/// Milakov &amp; Gimelshein 2018, as in memory-efficient and flash attention): the same numbers as
/// <see cref="FullAttention.Forward"/>, but only a chunk × chunk block of scores exists at any time, so forward memory is
/// O(L·chunk + L·dv) instead of O(L²), while the operation count stays O(L²). Beside LSH attention it separates
/// "memory from chunking" from "fewer operations from hashing". Under autograd every block is kept for the backward
/// pass, so its memory advantage is the forward (inference) one; use it under <c>no_grad</c>.
/// </summary>
public static class ChunkedAttention
{
    /// <summary>Exact masked attention in blocks of <paramref name="chunk"/> queries × <paramref name="chunk"/> keys.</summary>
    /// <param name="queries">[N, L, d] (the caller scales q or k).</param>
    /// <param name="keys">[N, L, d].</param>
    /// <param name="values">[N, L, dv].</param>
    /// <param name="causal">Mask keys after the query; key blocks wholly after a query block are skipped.</param>
    /// <param name="maskSelf">Mask a token from itself (finite penalty).</param>
    /// <param name="chunk">Block length (≥ 1; the last block may be shorter).</param>
    /// <returns>Output [N, L, dv].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunk"/> is below 1.</exception>
    public static Tensor Forward(Tensor queries, Tensor keys, Tensor values, bool causal, bool maskSelf, int chunk)
    {
        if (chunk < 1)
            throw new ArgumentOutOfRangeException(nameof(chunk), $"chunk = {chunk}: the block length must be at least 1.");
        long length = queries.shape[1];
        var blocks = new List<Tensor>();
        using var outer = NewDisposeScope();
        for (long q0 = 0; q0 < length; q0 += chunk)
        {
            using var blockScope = NewDisposeScope();
            long q1 = Math.Min(length, q0 + chunk);
            var q = queries.narrow(1, q0, q1 - q0);
            var qPos = arange(Scalars.Of(q0), Scalars.Of(q1), Scalars.One, ScalarType.Int64, queries.device).unsqueeze(1);
            Tensor? max = null, sum = null, acc = null;
            long kEnd = causal ? q1 : length;
            for (long k0 = 0; k0 < kEnd; k0 += chunk)
            {
                long k1 = Math.Min(length, k0 + chunk);
                var kPos = arange(Scalars.Of(k0), Scalars.Of(k1), Scalars.One, ScalarType.Int64, queries.device).unsqueeze(0);
                var dots = q.matmul(keys.narrow(1, k0, k1 - k0).transpose(1, 2));
                dots = AttentionMasks.Apply(dots, qPos, kPos, causal, maskSelf);
                var blockMax = dots.amax([-1], keepdim: true);
                var newMax = max is null ? blockMax : maximum(max, blockMax);
                var p = dots.sub(newMax).exp();
                var v = values.narrow(1, k0, k1 - k0);
                if (max is null)
                {
                    sum = p.sum([-1], keepdim: true);
                    acc = p.matmul(v);
                }
                else
                {
                    var correction = max.sub(newMax).exp();
                    sum = sum!.mul(correction).add(p.sum([-1], keepdim: true), Scalars.One);
                    acc = acc!.mul(correction).add(p.matmul(v), Scalars.One);
                }
                max = newMax;
            }
            blocks.Add(acc!.div(sum!).MoveToOuterDisposeScope());
        }
        return cat(blocks, 1).MoveToOuterDisposeScope();
    }
}

using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Kernels.Attention;

/// <summary>
/// What the three attentions of this family share, as the Reformer's reference implementation defines it (trax
/// <c>efficient_attention.py</c>: <c>length_normalized</c>, <c>mask_self_attention</c>, <c>attend</c>).
/// </summary>
public static class AttentionMasks
{
    /// <summary>Subtracted from a dot product whose key lies after its query (causal mask, trax: 1e9).</summary>
    public const double CausalPenalty = 1e9;

    /// <summary>
    /// Subtracted from a token's dot product with itself under shared query-keys (trax: 1e5). It is finite and smaller
    /// than <see cref="CausalPenalty"/>, so a token attends to itself exactly when nothing else is available (the first
    /// token of a causal sequence); an infinite self-mask would leave that row with no finite entry and produce NaN.
    /// </summary>
    public const double SelfPenalty = 1e5;

    /// <summary>Subtracted from dot products with padding keys (positions at or beyond the real length).</summary>
    public const double PaddingPenalty = 1e9;

    /// <summary>Positions 0 … <paramref name="length"/> − 1 as int64 (every bound an explicit, held Scalar).</summary>
    public static Tensor Positions(long length, Device? device = null) =>
        arange(Scalars.Of(0L), Scalars.Of(length), Scalars.One, ScalarType.Int64, device);

    /// <summary>
    /// Keys of shared-QK attention: each query divided by its length, q / √(‖q‖² + d·10⁻⁶). This is trax's
    /// <c>length_normalized</c> (q / √(mean q² + 10⁻⁶)) followed by its 1/√d, so no further 1/√d is applied to the dots.
    /// </summary>
    /// <param name="queries">[…, d] shared query-keys.</param>
    /// <returns>[…, d] keys of (almost exactly) unit length.</returns>
    public static Tensor SharedKeys(Tensor queries)
    {
        using var scope = NewDisposeScope();
        var meanSquare = queries.pow(Scalars.Of(2L)).mean([-1], keepdim: true);
        var scale = meanSquare.add(Scalars.Of(1e-6), Scalars.One).rsqrt()
            .mul(Scalars.Of(1.0 / Math.Sqrt(queries.shape[^1])));
        return queries.mul(scale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Applies the masks to <paramref name="dots"/> [..., Lq, Lk] by original positions: −1e9 where the key's position
    /// is after the query's (<paramref name="causal"/>), −1e5 where they are equal (<paramref name="maskSelf"/>), −1e9
    /// where the key's position is ≥ <paramref name="realLength"/> (padding). Penalties are subtracted, as in trax.
    /// </summary>
    /// <param name="dots">Dot products, [..., Lq, Lk].</param>
    /// <param name="queryPositions">Original positions of the queries, broadcastable to [..., Lq, 1].</param>
    /// <param name="keyPositions">Original positions of the keys, broadcastable to [..., 1, Lk].</param>
    /// <param name="causal">Mask keys after the query.</param>
    /// <param name="maskSelf">Mask a token from itself (shared query-keys).</param>
    /// <param name="realLength">Positions at or beyond this are padding; long.MaxValue for none.</param>
    public static Tensor Apply(Tensor dots, Tensor queryPositions, Tensor keyPositions, bool causal, bool maskSelf,
        long realLength = long.MaxValue)
    {
        using var scope = NewDisposeScope();
        var result = dots;
        if (causal)
            result = result.sub(queryPositions.lt(keyPositions).to_type(dots.dtype).mul(Scalars.Of(CausalPenalty)));
        if (maskSelf)
            result = result.sub(queryPositions.eq(keyPositions).to_type(dots.dtype).mul(Scalars.Of(SelfPenalty)));
        if (realLength != long.MaxValue)
            result = result.sub(keyPositions.ge(Scalars.Of(realLength)).to_type(dots.dtype).mul(Scalars.Of(PaddingPenalty)));
        return result.MoveToOuterDisposeScope();
    }
}

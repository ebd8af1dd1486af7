namespace Workbench.Kernels.Attention;

/// <summary>
/// LSH attention for one sequence written as plain loops over arrays, step by step from the definitions (see
/// <see cref="LshAttention"/>): the reference the tensor path is tested against. O(R·L·m·d) time, no padding (L must be
/// a multiple of the chunk length), doubles inside.
/// </summary>
public static class LshAttentionReference
{
    /// <summary>Bucket id of every (round, position): argmax over [xR; −xR] (first maximum on ties) plus r·b.</summary>
    /// <param name="qk">L × d query-keys, row-major.</param>
    /// <param name="rotations">d × rounds × b/2, row-major (the layout of <see cref="LshAttention.Rotations"/>).</param>
    /// <param name="length">L.</param>
    /// <param name="dimension">d.</param>
    /// <param name="buckets">b (even).</param>
    /// <param name="rounds">Hash rounds.</param>
    public static int[,] Hash(float[] qk, float[] rotations, int length, int dimension, int buckets, int rounds)
    {
        int half = buckets / 2;
        var ids = new int[rounds, length];
        for (int r = 0; r < rounds; r++)
            for (int t = 0; t < length; t++)
            {
                double best = double.NegativeInfinity;
                int arg = 0;
                for (int j = 0; j < buckets; j++)
                {
                    double dot = 0;
                    for (int f = 0; f < dimension; f++)
                        dot += (double)qk[t * dimension + f] * rotations[(f * rounds + r) * half + j % half];
                    double value = j < half ? dot : -dot;
                    if (value > best) { best = value; arg = j; }
                }
                ids[r, t] = arg + r * buckets;
            }
        return ids;
    }

    /// <summary>LSH attention output, L × dv row-major.</summary>
    /// <param name="qk">L × d shared query-keys.</param>
    /// <param name="values">L × dv values.</param>
    /// <param name="rotations">d × rounds × b/2.</param>
    /// <param name="length">L (a multiple of ⌈2L / b⌉).</param>
    /// <param name="dimension">d.</param>
    /// <param name="valueDimension">dv.</param>
    /// <param name="buckets">b.</param>
    /// <param name="rounds">R.</param>
    /// <param name="causal">Causal masking.</param>
    /// <exception cref="ArgumentException">L is not a multiple of the chunk length.</exception>
    public static double[] Forward(float[] qk, float[] values, float[] rotations, int length, int dimension, int valueDimension,
        int buckets, int rounds, bool causal)
    {
        int m = LshAttention.ChunkLength(length, buckets);
        if (length % m != 0) throw new ArgumentException($"length {length} is not a multiple of the chunk length {m}.");
        var ids = Hash(qk, rotations, length, dimension, buckets, rounds);
        // Sort all (round, position) slots by (bucket id, position); ids are offset by round, so rounds come in order.
        int slots = rounds * length;
        var order = Enumerable.Range(0, slots)
            .OrderBy(i => ids[i / length, i % length]).ThenBy(i => i % length).ToArray();
        var keys = new double[length, dimension];
        for (int t = 0; t < length; t++)
        {
            double norm = 0;
            for (int f = 0; f < dimension; f++) norm += (double)qk[t * dimension + f] * qk[t * dimension + f];
            double scale = 1 / Math.Sqrt(norm + dimension * 1e-6);
            for (int f = 0; f < dimension; f++) keys[t, f] = qk[t * dimension + f] * scale;
        }
        var outputs = new double[rounds, length, valueDimension];
        var logSumExp = new double[rounds, length];
        int chunks = slots / m;
        for (int s = 0; s < slots; s++)
        {
            int chunk = s / m, previous = (chunk - 1 + chunks) % chunks;
            int q = order[s] % length, round = s / length;
            var window = Enumerable.Range(chunk * m, m).Concat(Enumerable.Range(previous * m, m)).Select(i => order[i] % length).ToArray();
            var dots = new double[window.Length];
            for (int w = 0; w < window.Length; w++)
            {
                int k = window[w];
                double dot = 0;
                for (int f = 0; f < dimension; f++) dot += qk[q * dimension + f] * keys[k, f];
                if (causal && q < k) dot -= AttentionMasks.CausalPenalty;
                if (q == k) dot -= AttentionMasks.SelfPenalty;
                dots[w] = dot;
            }
            double max = dots.Max();
            double lse = max + Math.Log(dots.Sum(x => Math.Exp(x - max)));
            logSumExp[round, q] = lse;
            for (int w = 0; w < window.Length; w++)
            {
                double p = Math.Exp(dots[w] - lse);
                for (int f = 0; f < valueDimension; f++) outputs[round, q, f] += p * values[window[w] * valueDimension + f];
            }
        }
        var result = new double[length * valueDimension];
        for (int t = 0; t < length; t++)
        {
            double max = Enumerable.Range(0, rounds).Max(r => logSumExp[r, t]);
            double total = Enumerable.Range(0, rounds).Sum(r => Math.Exp(logSumExp[r, t] - max));
            for (int r = 0; r < rounds; r++)
            {
                double weight = Math.Exp(logSumExp[r, t] - max) / total;
                for (int f = 0; f < valueDimension; f++) result[t * valueDimension + f] += weight * outputs[r, t, f];
            }
        }
        return result;
    }
}

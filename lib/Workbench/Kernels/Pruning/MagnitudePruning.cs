namespace Workbench.Kernels.Pruning;

/// <summary>
/// Magnitude pruning over per-layer masks (1 = kept, 0 = pruned). Masks are chosen by position: among the
/// surviving positions of a layer, the ones with the smallest |w| are removed, ties broken by position, so an
/// already-pruned weight is never "re-pruned" and equal values never change the count.
/// </summary>
public static class MagnitudePruning
{
    /// <summary>A mask of ones shaped like each layer.</summary>
    public static float[][] Dense(IReadOnlyList<int> layerSizes) => layerSizes.Select(n => Enumerable.Repeat(1f, n).ToArray()).ToArray();

    /// <summary>
    /// Layer-wise pruning: in layer i, removes round(rates[i] × survivors) of the surviving weights with the smallest
    /// magnitude (paper, Algorithm "iterative pruning", p% per round per layer).
    /// </summary>
    public static float[][] PruneLayerwise(IReadOnlyList<float[]> weights, IReadOnlyList<float[]> masks, IReadOnlyList<double> rates)
    {
        CheckShapes(weights, masks);
        var result = new float[masks.Count][];
        for (int layer = 0; layer < masks.Count; layer++)
        {
            var survivors = Survivors(masks[layer]);
            int remove = (int)Math.Round(rates[layer] * survivors.Length, MidpointRounding.AwayFromZero);
            result[layer] = (float[])masks[layer].Clone();
            foreach (int position in SmallestByMagnitude(weights[layer], survivors, remove)) result[layer][position] = 0f;
        }
        return result;
    }

    /// <summary>
    /// Global pruning: removes round(rate × all survivors) of the surviving weights with the smallest magnitude across
    /// every layer at once (the paper's choice for its deeper networks).
    /// </summary>
    public static float[][] PruneGlobal(IReadOnlyList<float[]> weights, IReadOnlyList<float[]> masks, double rate)
    {
        CheckShapes(weights, masks);
        // Sort key: |w| bits (order-preserving for non-negative floats), then layer, then position.
        var keys = new List<(uint Magnitude, int Layer, int Position)>();
        for (int layer = 0; layer < masks.Count; layer++)
            foreach (int p in Survivors(masks[layer]))
                keys.Add((BitConverter.SingleToUInt32Bits(MathF.Abs(weights[layer][p])), layer, p));
        int remove = (int)Math.Round(rate * keys.Count, MidpointRounding.AwayFromZero);
        keys.Sort();
        var result = masks.Select(m => (float[])m.Clone()).ToArray();
        for (int i = 0; i < remove; i++) result[keys[i].Layer][keys[i].Position] = 0f;
        return result;
    }

    /// <summary>A random mask with exactly as many survivors per layer as <paramref name="like"/> (seeded).</summary>
    public static float[][] RandomLike(IReadOnlyList<float[]> like, Random rng)
    {
        var result = new float[like.Count][];
        for (int layer = 0; layer < like.Count; layer++)
        {
            int n = like[layer].Length, keep = Survivors(like[layer]).Length;
            var order = Enumerable.Range(0, n).ToArray();
            for (int i = 0; i < keep; i++) // partial Fisher–Yates: the first `keep` positions are a uniform sample
            {
                int j = i + rng.Next(n - i);
                (order[i], order[j]) = (order[j], order[i]);
            }
            result[layer] = new float[n];
            for (int i = 0; i < keep; i++) result[layer][order[i]] = 1f;
        }
        return result;
    }

    /// <summary>Fraction of weights kept, over all layers.</summary>
    public static double Remaining(IReadOnlyList<float[]> masks) =>
        masks.Sum(m => (double)Survivors(m).Length) / masks.Sum(m => (double)m.Length);

    /// <summary>Fraction kept per layer.</summary>
    public static double[] RemainingPerLayer(IReadOnlyList<float[]> masks) =>
        masks.Select(m => Survivors(m).Length / (double)m.Length).ToArray();

    static int[] Survivors(float[] mask)
    {
        var list = new List<int>(mask.Length);
        for (int i = 0; i < mask.Length; i++) if (mask[i] != 0f) list.Add(i);
        return list.ToArray();
    }

    static IEnumerable<int> SmallestByMagnitude(float[] weights, int[] survivors, int count)
    {
        if (count <= 0) return [];
        // One 64-bit key per survivor: |w| bits in the high half, position in the low half, so sorting orders by
        // magnitude and breaks ties by position, deterministically.
        var keys = new ulong[survivors.Length];
        for (int i = 0; i < survivors.Length; i++)
            keys[i] = ((ulong)BitConverter.SingleToUInt32Bits(MathF.Abs(weights[survivors[i]])) << 32) | (uint)survivors[i];
        Array.Sort(keys);
        return keys.Take(count).Select(k => (int)(k & 0xffffffff));
    }

    static void CheckShapes(IReadOnlyList<float[]> weights, IReadOnlyList<float[]> masks)
    {
        if (weights.Count != masks.Count) throw new ArgumentException($"{weights.Count} weight layers but {masks.Count} masks.");
        for (int i = 0; i < masks.Count; i++)
            if (weights[i].Length != masks[i].Length)
                throw new ArgumentException($"layer {i}: {weights[i].Length} weights but a mask of {masks[i].Length}.");
    }
}

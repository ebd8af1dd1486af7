namespace Workbench.Kernels.Points;

/// <summary>
/// Choosing points by uncertainty, as PointRend does it (Sec. 3.1 and 3.2; detectron2 point_features.py):
/// <see cref="OnGrid"/> picks the N most uncertain cells of a grid for a subdivision step
/// (get_uncertain_point_coords_on_grid); <see cref="ForTraining"/> draws k·N uniform points, keeps the β·N most
/// uncertain and adds (1 − β)·N fresh uniform points (get_uncertain_point_coords_with_randomness). The paper uses
/// k = 3, β = 0.75; Mask2Former trains its mask loss on points chosen the same way with the same k and β.
/// </summary>
public static class UncertainPoints
{
    /// <summary>
    /// Indices of the <paramref name="count"/> largest values, largest first; equal values in index order (a
    /// deterministic choice where torch.topk leaves ties unspecified).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="count"/> is below 0 or above the number of values.</exception>
    public static int[] TopK(ReadOnlySpan<float> values, int count)
    {
        if (count < 0 || count > values.Length)
            throw new ArgumentException($"Asked for the top {count} of {values.Length} values: the count must be in [0, {values.Length}].");
        // One sort key per value: the value's bits mapped to an order-preserving unsigned integer (descending), then the
        // index, so a single sort of longs gives "largest first, ties by index".
        var keys = new ulong[values.Length];
        for (int i = 0; i < values.Length; i++) keys[i] = ((ulong)~OrderedBits(values[i]) << 32) | (uint)i;
        if (count < values.Length / 8)
        {
            // Few wanted (the usual case: N ≪ H·W): a bounded max-heap of the best keys so far, O(n log k).
            var heap = new PriorityQueue<ulong, ulong>(count + 1);
            foreach (var key in keys)
            {
                if (heap.Count < count) heap.Enqueue(key, ~key);
                else if (count > 0 && key < heap.Peek()) { heap.Dequeue(); heap.Enqueue(key, ~key); }
            }
            var best = new ulong[heap.Count];
            for (int i = best.Length - 1; i >= 0; i--) best[i] = heap.Dequeue();
            return [.. best.Select(k => (int)(uint)k)];
        }
        Array.Sort(keys);
        var result = new int[count];
        for (int i = 0; i < count; i++) result[i] = (int)(uint)keys[i];
        return result;
    }

    /// <summary>
    /// The <paramref name="numPoints"/> most uncertain cells of an H × W uncertainty map (row-major): their flat
    /// indices and their cell-centre coordinates (P × 2 as x, y in [0, 1]²). The caller decides what to do when N
    /// exceeds H·W (subdivision refines every cell then, as detectron2's min(H·W, N) does).
    /// </summary>
    /// <exception cref="ArgumentException">The map's length is not H·W, N is below 1, or N is more points than pixels.</exception>
    public static (int[] Indices, float[] Coords) OnGrid(ReadOnlySpan<float> uncertaintyMap, int height, int width, int numPoints)
    {
        if (height < 1 || width < 1 || uncertaintyMap.Length != height * width)
            throw new ArgumentException($"The uncertainty map holds {uncertaintyMap.Length} values but is said to be {height} × {width}.");
        if (numPoints < 1)
            throw new ArgumentException($"num_points = {numPoints}: at least 1 point must be chosen.");
        if (numPoints > height * width)
            throw new ArgumentException(
                $"num_points = {numPoints} is more points than the {height} × {width} = {height * width} pixels of the grid.");
        var indices = TopK(uncertaintyMap, numPoints);
        var coords = new float[2 * numPoints];
        for (int p = 0; p < numPoints; p++) (coords[2 * p], coords[2 * p + 1]) = PointSampling.CellCentre(indices[p], height, width);
        return (indices, coords);
    }

    /// <summary>
    /// Training-time point selection for one image: draws ⌊k·N⌋ points uniformly in [0, 1]², samples the coarse
    /// logits (C × H × W) there bilinearly, keeps the ⌊β·N⌋ with the largest uncertainty computed on those
    /// interpolated logits, and appends N − ⌊β·N⌋ fresh uniform points (coverage). Returns N × 2 (x, y) coordinates,
    /// the uncertain ones first. k = 1 with β = 0 is uniform sampling; β = 1 keeps no random points.
    /// </summary>
    /// <param name="coarseLogits">C × H × W logits, row-major (C = 1: binary mask).</param>
    /// <param name="classes">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="numPoints">N, points returned.</param>
    /// <param name="oversampleRatio">k ≥ 1 (paper: 3).</param>
    /// <param name="importanceRatio">β in [0, 1] (paper: 0.75).</param>
    /// <param name="random">Source of the uniform points.</param>
    /// <exception cref="ArgumentException">k below 1, β outside [0, 1], or N below 1.</exception>
    public static float[] ForTraining(ReadOnlySpan<float> coarseLogits, int classes, int height, int width, int numPoints,
        double oversampleRatio, double importanceRatio, Random random)
    {
        if (!(oversampleRatio >= 1))
            throw new ArgumentException(
                $"The oversampling ratio k = {oversampleRatio} must be at least 1 (k·N candidates are drawn to keep N).");
        if (!(importanceRatio >= 0 && importanceRatio <= 1))
            throw new ArgumentException(
                $"The importance ratio β = {importanceRatio} must be in [0, 1] (the share of points chosen by uncertainty).");
        if (numPoints < 1)
            throw new ArgumentException($"num_points = {numPoints}: at least 1 point must be drawn.");
        int sampled = (int)(numPoints * oversampleRatio);
        int uncertain = (int)(importanceRatio * numPoints);
        var candidates = Uniform(sampled, random);
        var logits = PointSampling.Bilinear(coarseLogits, classes, height, width, candidates);
        var uncertainty = PointUncertainty.Of(logits, classes);
        var chosen = TopK(uncertainty, uncertain);
        var coords = new float[2 * numPoints];
        for (int p = 0; p < uncertain; p++)
        {
            coords[2 * p] = candidates[2 * chosen[p]];
            coords[2 * p + 1] = candidates[2 * chosen[p] + 1];
        }
        var fresh = Uniform(numPoints - uncertain, random);
        fresh.CopyTo(coords.AsSpan(2 * uncertain));
        return coords;
    }

    /// <summary><paramref name="count"/> points uniform in [0, 1)², as (x, y) pairs.</summary>
    public static float[] Uniform(int count, Random random)
    {
        var coords = new float[2 * count];
        for (int i = 0; i < coords.Length; i++) coords[i] = random.NextSingle();
        return coords;
    }

    static uint OrderedBits(float value)
    {
        // IEEE-754 bits reordered so that unsigned comparison equals float comparison (NaN sorts above +∞).
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }
}

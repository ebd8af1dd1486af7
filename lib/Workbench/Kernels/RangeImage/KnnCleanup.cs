namespace Workbench.Kernels.RangeImage;

/// <summary>
/// RangeNet++'s KNN post-processing (step 4), exactly as lidar-bonnetal's <c>train/tasks/semantic/postproc/KNN.py</c>.
/// For every point i (in pixel (row, column), range rᵢ), over the Window × Window pixels around its pixel:
/// <list type="number">
/// <item>neighbour range R_q = the range image there; an empty pixel (−1) counts as +∞; a pixel outside the image is
/// zero padding (R = 0, label 0), at both azimuth borders unless <see cref="KnnOptions.WrapAzimuth"/>;</item>
/// <item>the window's centre takes the point's own range rᵢ (distance 0), so it always votes — with the label of the
/// pixel's nearest point, which may be another object that occludes i;</item>
/// <item>distance d_q = |R_q − rᵢ| · (1 − g_q), with g the sum-normalised Gaussian
/// (<see cref="KnnOptions.InverseGaussianWeights"/>);</item>
/// <item>the K smallest d_q vote with their pixel's label; a vote with d_q &gt; cutoff (when cutoff &gt; 0) goes to an
/// extra class C instead;</item>
/// <item>the result is the most-voted class among 1 … C − 1 (unlabeled 0 and the extra class excluded; ties to the
/// lowest class); with no such vote at all the reference's argmax over zeros returns class 1, kept as is.</item>
/// </list>
/// Ties between equal distances go to the lowest window position (row-major); torch's <c>topk</c> leaves them
/// unspecified. Labels are "learning" classes in [0, C − 1] with 0 = unlabeled.
/// </summary>
public static class KnnCleanup
{
    /// <summary>
    /// The fast path, exact (equal to <see cref="Reference"/>): the range and label images are copied once into a
    /// zero-padded frame (empty pixels already +∞, the azimuth wrap already in the padding columns), so the window is
    /// read without bounds tests; points are processed in parallel chunks. Three exact short cuts skip the K-nearest
    /// search where it cannot change the vote: a pixel whose whole window holds one label (found per pixel by two
    /// separable passes), a point whose non-"too far" neighbours all share one label, and a point with at most K such
    /// neighbours (all of them are among the K nearest). Otherwise the K nearest are kept by insertion into a sorted
    /// list of K on the stack. Ranges must be finite.
    /// </summary>
    /// <param name="projection">The scan's projection (range image, and each point's pixel and range).</param>
    /// <param name="pixelLabels">The 2D prediction (argmax) per pixel, row-major, in [0, classes − 1].</param>
    /// <param name="classes">C: classes including unlabeled 0.</param>
    /// <param name="options">k, window, σ, cutoff, wrap.</param>
    /// <returns>A label in [1, C − 1] for every point, in the projection's point order.</returns>
    /// <exception cref="ArgumentException">Bad options (one sentence), sizes that disagree, or a label outside [0, C − 1].</exception>
    public static int[] Apply(RangeProjection projection, ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options) =>
        Apply(projection.Range, projection.Height, projection.Width, projection.PointRange, projection.PointRow,
            projection.PointColumn, pixelLabels, classes, options);

    /// <summary>The fast path on raw arrays (see <see cref="Apply(RangeProjection, ReadOnlySpan{int}, int, KnnOptions)"/>).</summary>
    public static int[] Apply(float[] rangeImage, int height, int width, float[] pointRange, int[] pointRow, int[] pointColumn,
        ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options)
    {
        Check(rangeImage, height, width, pointRange, pointRow, pointColumn, pixelLabels, classes, options);
        var weights = options.InverseGaussianWeights();
        int n = pointRange.Length, s = options.Window, pad = (s - 1) / 2, k = options.K, stride = width + 2 * pad;
        var (range, label) = Padded(rangeImage, pixelLabels, height, width, pad, options.WrapAzimuth);
        var uniform = UniformWindows(label, height, width, s);
        float cutoff = (float)options.Cutoff;
        var result = new int[n];
        const int Chunk = 4096;
        int chunks = (n + Chunk - 1) / Chunk;
        if (chunks <= 1) Points(0, n);
        else Parallel.For(0, chunks, c => Points(c * Chunk, Math.Min(n, (c + 1) * Chunk)));
        return result;

        void Points(int start, int end)
        {
            int window = s * s, center = (window - 1) / 2;
            bool cut = cutoff > 0;
            Span<float> distance = stackalloc float[window];
            Span<int> candidateLabel = stackalloc int[window];
            Span<float> bestDistance = stackalloc float[k];
            Span<int> bestLabel = stackalloc int[k];
            Span<int> votes = stackalloc int[classes + 1];
            ReadOnlySpan<float> w = weights, image = range;
            ReadOnlySpan<int> labels = label;
            Span<int> offset = stackalloc int[window];
            for (int a = 0; a < s; a++)
                for (int b = 0; b < s; b++) offset[a * s + b] = a * stride + b;
            float limit = cut ? cutoff : float.PositiveInfinity;
            float centerWeight = w[center];
            float centerDistance(float r) => MathF.Abs(r - r) * centerWeight;
            float[] ranges = pointRange;
            int[] rows = pointRow, columns = pointColumn, results = result;
            bool[] same = uniform;
            for (int i = start; i < end; i++)
            {
                // The window's top-left pixel in the padded frame is the point's own pixel in the image.
                int origin = rows[i] * stride + columns[i];
                int own = labels[origin + pad * stride + pad];
                // One label in the whole window: every vote is for it or for "too far", whatever the distances.
                if (same[rows[i] * width + columns[i]] && own != 0) { results[i] = own; continue; }
                float r = ranges[i];
                // Candidates: the window positions whose vote is not "too far" (all of them without a cutoff), in
                // position order. The centre takes the point's own range (KNN.py overwrites that row of the unfolded
                // matrix), so its distance is 0 and it is always a candidate.
                int candidates = 0, mixed = 0;
                for (int q = 0; q < window; q++)
                {
                    int at = origin + offset[q];
                    float d = MathF.Abs(image[at] - r) * w[q];
                    if (q == center) d = centerDistance(r);
                    int l = labels[at];
                    // Branch-free: write every position, advance only for a candidate (NaN is one, as in the reference).
                    int keep = d > limit ? 0 : 1;
                    distance[candidates] = d;
                    candidateLabel[candidates] = l;
                    candidates += keep;
                    mixed |= keep & (l != own ? 1 : 0);
                }
                // Every vote that counts goes to one class (the nearest of them, distance 0, is always among the K):
                // that class wins, or class 1 when it is unlabeled 0 (no vote at all).
                if (mixed == 0) { results[i] = own == 0 ? 1 : own; continue; }
                votes.Clear();
                if (candidates <= k)
                {
                    // All candidates are among the K nearest (the others are beyond the cutoff and vote for the extra
                    // class, which never wins).
                    for (int t = 0; t < candidates; t++) votes[candidateLabel[t]]++;
                }
                else
                {
                    // More candidates than K: the K nearest are all candidates. Insertion into the sorted K best;
                    // an equal distance never displaces an earlier position (ties go to the lower position).
                    int kept = 0;
                    for (int t = 0; t < candidates; t++)
                    {
                        float d = distance[t];
                        if (kept == k && !(d < bestDistance[k - 1])) continue;
                        int at = kept == k ? k - 1 : kept++;
                        while (at > 0 && d < bestDistance[at - 1])
                        {
                            bestDistance[at] = bestDistance[at - 1];
                            bestLabel[at] = bestLabel[at - 1];
                            at--;
                        }
                        bestDistance[at] = d;
                        bestLabel[at] = candidateLabel[t];
                    }
                    for (int t = 0; t < k; t++) votes[bestLabel[t]]++;
                }
                results[i] = Vote(votes, classes);
            }
        }
    }

    /// <summary>
    /// Per image pixel: whether every label in its window (padding included) equals its own, from two separable passes
    /// over the padded label frame (a row run of the window's width, then the window's height of such runs).
    /// </summary>
    static bool[] UniformWindows(int[] label, int height, int width, int window)
    {
        int pad = (window - 1) / 2, stride = width + 2 * pad, paddedHeight = height + 2 * pad;
        // rowSame[y, x]: the window's row run starting at padded column x holds one label.
        var rowSame = new bool[paddedHeight * width];
        for (int y = 0; y < paddedHeight; y++)
            for (int x = 0; x < width; x++)
            {
                int start = y * stride + x, first = label[start];
                bool same = true;
                for (int b = 1; b < window && same; b++) same = label[start + b] == first;
                rowSame[y * width + x] = same;
            }
        var result = new bool[height * width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int own = label[(y + pad) * stride + x + pad];
                bool same = true;
                for (int a = 0; a < window && same; a++) same = rowSame[(y + a) * width + x] && label[(y + a) * stride + x] == own;
                result[y * width + x] = same;
            }
        return result;
    }

    /// <summary>
    /// The range and label images in a frame padded by <paramref name="pad"/> on every side, as F.unfold's zero padding
    /// sees them: padding holds range 0 and label 0 (or, with <paramref name="wrap"/>, the columns from the other azimuth
    /// border; rows are always zero-padded); an empty pixel (range &lt; 0) holds +∞.
    /// </summary>
    static (float[] Range, int[] Label) Padded(float[] rangeImage, ReadOnlySpan<int> pixelLabels, int height, int width, int pad,
        bool wrap)
    {
        int stride = width + 2 * pad;
        var range = new float[stride * (height + 2 * pad)];
        var label = new int[range.Length];
        for (int y = 0; y < height; y++)
        {
            int row = (y + pad) * stride;
            for (int x = -pad; x < width + pad; x++)
            {
                int source = x;
                if (wrap) source = ((x % width) + width) % width;
                else if ((uint)x >= (uint)width) continue;
                float value = rangeImage[y * width + source];
                range[row + x + pad] = value < 0 ? float.PositiveInfinity : value;
                label[row + x + pad] = pixelLabels[y * width + source];
            }
        }
        return (range, label);
    }

    /// <summary>
    /// The plain reference, step for step as KNN.py: unfold the range and label images into [Window², pixels] matrices
    /// with zero padding, index the columns of every point, mark negatives +∞, overwrite the centre row with the point
    /// ranges, weigh, take the k smallest per point, apply the cutoff, count votes, argmax over classes 1 … C − 1.
    /// </summary>
    public static int[] Reference(RangeProjection projection, ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options)
    {
        int height = projection.Height, width = projection.Width;
        Check(projection.Range, height, width, projection.PointRange, projection.PointRow, projection.PointColumn, pixelLabels,
            classes, options);
        int s = options.Window, pad = (s - 1) / 2, pixels = height * width, n = projection.PointRange.Length;
        // F.unfold(proj_range, kernel_size=(s, s), padding=(pad, pad)) and the same for the argmax.
        var unfoldRange = new float[s * s, pixels];
        var unfoldLabel = new int[s * s, pixels];
        for (int a = 0; a < s; a++)
            for (int b = 0; b < s; b++)
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        int sy = y + a - pad, sx = x + b - pad;
                        if (options.WrapAzimuth) sx = ((sx % width) + width) % width;
                        bool inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
                        unfoldRange[a * s + b, y * width + x] = inside ? projection.Range[sy * width + sx] : 0f;
                        unfoldLabel[a * s + b, y * width + x] = inside ? pixelLabels[sy * width + sx] : 0;
                    }
        var weights = options.InverseGaussianWeights();
        int center = (s * s - 1) / 2;
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            int idx = projection.PointRow[i] * width + projection.PointColumn[i]; // idx_list = py * W + px
            float r = projection.PointRange[i];
            var distances = new (float Distance, int Position)[s * s];
            for (int q = 0; q < s * s; q++)
            {
                float value = unfoldRange[q, idx];
                if (value < 0) value = float.PositiveInfinity;
                if (q == center) value = r;
                distances[q] = (MathF.Abs(value - r) * weights[q], q);
            }
            var nearest = distances.OrderBy(d => d.Distance).ThenBy(d => d.Position).Take(options.K);
            var votes = new int[classes + 1];
            foreach (var (distance, q) in nearest)
                votes[options.Cutoff > 0 && distance > (float)options.Cutoff ? classes : unfoldLabel[q, idx]]++;
            result[i] = Vote(votes, classes);
        }
        return result;
    }

    /// <summary>argmax over votes[1 .. C − 1] (first maximum) + 1: unlabeled and "too far" never win.</summary>
    static int Vote(ReadOnlySpan<int> votes, int classes)
    {
        int best = 1;
        for (int c = 2; c < classes; c++)
            if (votes[c] > votes[best]) best = c;
        return best;
    }

    internal static void Check(float[] rangeImage, int height, int width, float[] pointRange, int[] pointRow, int[] pointColumn,
        ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options)
    {
        options.Validate();
        new RangeImageGeometry(height, width, 1, 0).Validate();
        if (classes < 2) throw new ArgumentException($"classes = {classes} is not allowed: give at least 2 (unlabeled 0 and one class).");
        if (rangeImage.Length != height * width || pixelLabels.Length != height * width)
            throw new ArgumentException(
                $"The range image ({rangeImage.Length}) and label image ({pixelLabels.Length}) must both have {height} × {width} pixels.");
        if (pointRow.Length != pointRange.Length || pointColumn.Length != pointRange.Length)
            throw new ArgumentException("Point ranges, rows and columns must have one length.");
        foreach (int label in pixelLabels)
            if ((uint)label >= (uint)classes)
                throw new ArgumentException($"Pixel label {label} is outside [0, {classes - 1}] for {classes} classes.");
        for (int i = 0; i < pointRow.Length; i++)
            if ((uint)pointRow[i] >= (uint)height || (uint)pointColumn[i] >= (uint)width)
                throw new ArgumentException(
                    $"Point {i} falls into pixel ({pointRow[i]}, {pointColumn[i]}), outside the {height} × {width} image.");
    }
}

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
    /// <summary>The fast path: parallel over points, window gathered on the stack, the K nearest kept by insertion.</summary>
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
        var labels = pixelLabels.ToArray();
        int n = pointRange.Length, s = options.Window, pad = (s - 1) / 2, center = (s * s - 1) / 2, k = options.K;
        float cutoff = (float)options.Cutoff;
        bool wrap = options.WrapAzimuth;
        var result = new int[n];
        Parallel.For(0, (n + 2047) / 2048, chunk =>
        {
            Span<float> distance = stackalloc float[s * s];
            Span<int> label = stackalloc int[s * s];
            Span<int> votes = stackalloc int[classes + 1];
            Span<int> order = stackalloc int[s * s];
            int end = Math.Min(n, (chunk + 1) * 2048);
            for (int i = chunk * 2048; i < end; i++)
            {
                float r = pointRange[i];
                int row = pointRow[i], column = pointColumn[i];
                for (int a = 0; a < s; a++)
                {
                    int y = row + a - pad;
                    for (int b = 0; b < s; b++)
                    {
                        int q = a * s + b, x = column + b - pad;
                        if (wrap) x = ((x % width) + width) % width;
                        float neighbour;
                        if ((uint)y >= (uint)height || (uint)x >= (uint)width) { neighbour = 0f; label[q] = 0; }
                        else
                        {
                            int p = y * width + x;
                            neighbour = rangeImage[p] < 0 ? float.PositiveInfinity : rangeImage[p];
                            label[q] = labels[p];
                        }
                        if (q == center) neighbour = r;
                        distance[q] = MathF.Abs(neighbour - r) * weights[q];
                    }
                }
                // The k nearest by insertion into a sorted list of k (window positions are visited in increasing
                // order, so an equal distance never displaces an earlier position: ties go to the lower position).
                int kept = 0;
                for (int q = 0; q < s * s; q++)
                {
                    float d = distance[q];
                    if (kept == k && !(d < distance[order[k - 1]])) continue;
                    int at = kept == k ? k - 1 : kept++;
                    while (at > 0 && d < distance[order[at - 1]]) { order[at] = order[at - 1]; at--; }
                    order[at] = q;
                }
                votes.Clear();
                for (int t = 0; t < k; t++)
                {
                    int q = order[t];
                    votes[cutoff > 0 && distance[q] > cutoff ? classes : label[q]]++;
                }
                result[i] = Vote(votes, classes);
            }
        });
        return result;
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

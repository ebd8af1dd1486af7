using System.Runtime.Intrinsics;

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
    /// read without bounds tests. Windows up to 7 pixels wide are read one 8-lane row at a time (distances, the "too
    /// far" test and the label test as bit masks); wider ones position by position. Exact short cuts skip the
    /// K-nearest search where it cannot change the vote: a pixel whose window holds only its own label among the
    /// positions that can vote (an empty pixel cannot when there is a cutoff; two separable passes per image), a point
    /// whose non-"too far" neighbours all share one label, a point with at most K such neighbours (all of them are
    /// among the K nearest), and a point with fewer than K / 2 neighbours of another label (its own label holds a strict
    /// majority of any K). Otherwise the K nearest are kept in one sorted 8-lane vector without branches (K ≤ 8), or by
    /// insertion into a sorted list on the stack. Scans of at least <see cref="ParallelPoints"/> points run in parallel
    /// chunks, smaller ones on the calling thread. Ranges must be finite.
    /// </summary>
    /// <param name="projection">The scan's projection (range image, and each point's pixel and range).</param>
    /// <param name="pixelLabels">The 2D prediction (argmax) per pixel, row-major, in [0, classes − 1].</param>
    /// <param name="classes">C: classes including unlabeled 0.</param>
    /// <param name="options">k, window, σ, cutoff, wrap.</param>
    /// <returns>A label in [1, C − 1] for every point, in the projection's point order.</returns>
    /// <exception cref="ArgumentException">Bad options (one sentence), sizes that disagree, or a label outside [0, C − 1].</exception>
    public static int[] Apply(RangeProjection projection, ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options)
    {
        var result = new int[projection.Points];
        Apply(projection, pixelLabels, classes, options, result);
        return result;
    }

    /// <summary>
    /// The fast path into <paramref name="destination"/> (one entry per point of the projection), equal to
    /// <see cref="Apply(RangeProjection, ReadOnlySpan{int}, int, KnnOptions)"/>. Its scratch (the padded frames and the
    /// uniform-window maps) comes from <see cref="System.Buffers.ArrayPool{T}.Shared"/> and goes back, and the window
    /// weights are kept per thread, so repeated calls allocate nothing on the heap below <see cref="ParallelPoints"/>
    /// points (above, the parallel chunks write into a pooled array that is copied to the destination).
    /// </summary>
    /// <exception cref="ArgumentException">As the allocating overload, or a destination whose length is not the point count.</exception>
    public static void Apply(RangeProjection projection, ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options,
        Span<int> destination)
    {
        var (pointRange, pointRow, pointColumn) = projection.PointArrays;
        Run(projection.Range, projection.Height, projection.Width, pointRange, pointRow, pointColumn, projection.Points, pixelLabels,
            classes, options, destination);
    }

    /// <summary>The fast path on raw arrays (see <see cref="Apply(RangeProjection, ReadOnlySpan{int}, int, KnnOptions)"/>).</summary>
    public static int[] Apply(float[] rangeImage, int height, int width, float[] pointRange, int[] pointRow, int[] pointColumn,
        ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options)
    {
        if (pointRow.Length != pointRange.Length || pointColumn.Length != pointRange.Length)
            throw new ArgumentException("Point ranges, rows and columns must have one length.");
        var result = new int[pointRange.Length];
        Run(rangeImage, height, width, pointRange, pointRow, pointColumn, pointRange.Length, pixelLabels, classes, options, result);
        return result;
    }

    /// <summary>The fast path on the first n entries of the point arrays, into a destination of n entries.</summary>
    static void Run(float[] rangeImage, int height, int width, float[] pointRange, int[] pointRow, int[] pointColumn, int n,
        ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options, Span<int> destination)
    {
        Check(rangeImage, height, width, pointRange.AsSpan(0, n), pointRow.AsSpan(0, n), pointColumn.AsSpan(0, n), pixelLabels,
            classes, options);
        if (destination.Length != n)
            throw new ArgumentException($"The destination has {destination.Length} entries for {n} points: give one per point.");
        var weights = Weights(options);
        int s = options.Window, pad = (s - 1) / 2, k = options.K, stride = width + 2 * pad;
        var floats = System.Buffers.ArrayPool<float>.Shared;
        var ints = System.Buffers.ArrayPool<int>.Shared;
        int frame = FrameLength(height, width, pad);
        float[] range = floats.Rent(frame);
        int[] label = ints.Rent(frame), voting = ints.Rent(frame), runs = ints.Rent(RunLength(height, width, pad)),
            uniform = ints.Rent(height * width + 8);
        try
        {
            Padded(rangeImage, pixelLabels, height, width, pad, options.WrapAzimuth, range, label);
            UniformWindows(range, label, height, width, s, options.Cutoff > 0, Vector256.IsHardwareAccelerated, voting, runs, uniform);
            float cutoff = (float)options.Cutoff;
            bool vector = Vector256.IsHardwareAccelerated && s <= 8 - 1;
            if (n < ParallelPoints)
                Points(0, n, vector, range, label, uniform, weights, s, k, stride, width, cutoff, classes, pointRange, pointRow,
                    pointColumn, destination);
            else
            {
                int[] result = ints.Rent(n);
                try
                {
                    InParallel(n, vector, range, label, uniform, weights, s, k, stride, width, cutoff, classes, pointRange, pointRow,
                        pointColumn, result);
                    result.AsSpan(0, n).CopyTo(destination);
                }
                finally
                {
                    ints.Return(result);
                }
            }
        }
        finally
        {
            floats.Return(range);
            ints.Return(label);
            ints.Return(voting);
            ints.Return(runs);
            ints.Return(uniform);
        }
    }

    /// <summary>Points in parallel chunks of 4,096 (its own method, so the closure is only allocated on this path).</summary>
    static void InParallel(int n, bool vector, float[] range, int[] label, int[] uniform, float[] weights, int s, int k, int stride,
        int width, float cutoff, int classes, float[] pointRange, int[] pointRow, int[] pointColumn, int[] result)
    {
        const int Chunk = 4096;
        Parallel.For(0, (n + Chunk - 1) / Chunk, c => Points(c * Chunk, Math.Min(n, (c + 1) * Chunk), vector, range, label, uniform,
            weights, s, k, stride, width, cutoff, classes, pointRange, pointRow, pointColumn, result));
    }

    static void Points(int start, int end, bool vector, float[] range, int[] label, int[] uniform, float[] weights, int s, int k,
        int stride, int width, float cutoff, int classes, float[] pointRange, int[] pointRow, int[] pointColumn, Span<int> result)
    {
        if (vector) VectorPoints(start, end, range, label, uniform, weights, s, k, stride, width, cutoff, classes, pointRange,
            pointRow, pointColumn, result);
        else ScalarPoints(start, end, range, label, uniform, weights, s, k, stride, width, cutoff, classes, pointRange, pointRow,
            pointColumn, result);
    }

    /// <summary>The window weights of the options, computed once per thread for each (window, σ) in a row.</summary>
    static float[] Weights(KnnOptions options)
    {
        if (t_weights is { } cached && cached.Window == options.Window && cached.Sigma.Equals(options.Sigma)) return cached.Weights;
        var weights = options.InverseGaussianWeights();
        t_weights = (options.Window, options.Sigma, weights);
        return weights;
    }

    [ThreadStatic]
    static (int Window, double Sigma, float[] Weights)? t_weights;

    /// <summary>Length of the padded frame: the image with <paramref name="pad"/> on every side, and eight values of slack.</summary>
    internal static int FrameLength(int height, int width, int pad) => (width + 2 * pad) * (height + 2 * pad) + 8;

    static int RunLength(int height, int width, int pad) => (height + 2 * pad) * width + 8;

    /// <summary>The per-point loop for any window, position by position, with the K nearest kept by insertion.</summary>
    static void ScalarPoints(int start, int end, float[] range, int[] label, int[] same, float[] weights, int s, int k, int stride,
        int width, float cutoff, int classes, float[] ranges, int[] rows, int[] columns, Span<int> results)
    {
        int pad = (s - 1) / 2;
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
        for (int i = start; i < end; i++)
        {
            // The window's top-left pixel in the padded frame is the point's own pixel in the image.
            int origin = rows[i] * stride + columns[i];
            int own = labels[origin + pad * stride + pad];
            // One label in the whole window: every vote is for it or for "too far", whatever the distances.
            if (same[rows[i] * width + columns[i]] != 0) { results[i] = own == 0 ? 1 : own; continue; }
            float r = ranges[i];
            // Candidates: the window positions whose vote is not "too far" (all of them without a cutoff), in
            // position order. The centre takes the point's own range (KNN.py overwrites that row of the unfolded
            // matrix), so its distance is 0 and it is always a candidate.
            int candidates = 0, mixed = 0;
            for (int q = 0; q < window; q++)
            {
                int at = origin + offset[q];
                float d = MathF.Abs(image[at] - r) * w[q];
                if (q == center) d = MathF.Abs(r - r) * centerWeight;
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
                for (int t = 0; t < candidates; t++) Insert(bestDistance, bestLabel, ref kept, distance[t], candidateLabel[t]);
                for (int t = 0; t < k; t++) votes[bestLabel[t]]++;
            }
            results[i] = Vote(votes, classes);
        }
    }

    /// <summary>Scans with at least this many points are processed in parallel chunks; smaller ones on the calling thread.</summary>
    public const int ParallelPoints = 65_536;

    /// <summary>
    /// The per-point loop of <see cref="Apply(float[], int, int, float[], int[], int[], ReadOnlySpan{int}, int, KnnOptions)"/>
    /// for windows up to 7 pixels wide, one 8-lane row of the window at a time: distances, the "not too far" test and
    /// the "another label" test give one bit per window position (bit 8a + b for row a, column b, so bit order is
    /// position order); the short cuts and the vote then read only the set bits.
    /// </summary>
    static void VectorPoints(int start, int end, float[] range, int[] label, int[] uniform, float[] weights, int s, int k,
        int stride, int width, float cutoff, int classes, float[] pointRange, int[] pointRow, int[] pointColumn, Span<int> result)
    {
        int pad = (s - 1) / 2;
        Span<float> distance = stackalloc float[8 * s];
        Span<float> bestDistance = stackalloc float[k];
        Span<int> bestLabel = stackalloc int[k];
        Span<int> votes = stackalloc int[classes + 1];
        // Row a of the weights in lanes 0 … s − 1; the lanes beyond are masked out of every bit set.
        Span<Vector256<float>> rowWeights = stackalloc Vector256<float>[s];
        Span<float> lanes = stackalloc float[8];
        for (int a = 0; a < s; a++)
        {
            lanes.Clear();
            for (int b = 0; b < s; b++) lanes[b] = weights[a * s + b];
            rowWeights[a] = Vector256.Create((ReadOnlySpan<float>)lanes);
        }
        uint laneMask = (1u << s) - 1;
        var limit = Vector256.Create(cutoff > 0 ? cutoff : float.PositiveInfinity);
        // The centre's distance is |r − r| · w = 0 (KNN.py writes the point's own range there).
        var centerLane = Vector256.Equals(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(pad)).AsSingle();
        ReadOnlySpan<float> image = range;
        ReadOnlySpan<int> labels = label;
        var previousLane = Vector256.Create(0, 0, 1, 2, 3, 4, 5, 6);
        var notFirstLane = Vector256.Create(0, -1, -1, -1, -1, -1, -1, -1).AsSingle();
        for (int i = start; i < end; i++)
        {
            int origin = pointRow[i] * stride + pointColumn[i];
            int own = labels[origin + pad * stride + pad];
            if (uniform[pointRow[i] * width + pointColumn[i]] != 0) { result[i] = own == 0 ? 1 : own; continue; }
            var r = Vector256.Create(pointRange[i]);
            var ownLabel = Vector256.Create(own);
            ulong candidates = 0, mixed = 0;
            for (int a = 0; a < s; a++)
            {
                int at = origin + a * stride;
                var d = Vector256.Abs(Vector256.Create(image.Slice(at, 8)) - r) * rowWeights[a];
                if (a == pad) d = Vector256.ConditionalSelect(centerLane, Vector256<float>.Zero, d);
                d.CopyTo(distance.Slice(8 * a, 8));
                // A candidate is not "too far" (NaN is one, as in the reference).
                uint near = ~Vector256.GreaterThan(d, limit).ExtractMostSignificantBits() & laneMask;
                uint other = ~Vector256.Equals(Vector256.Create(labels.Slice(at, 8)), ownLabel).ExtractMostSignificantBits();
                candidates |= (ulong)near << (8 * a);
                mixed |= (ulong)(near & other) << (8 * a);
            }
            if (mixed == 0) { result[i] = own == 0 ? 1 : own; continue; }
            votes.Clear();
            if (System.Numerics.BitOperations.PopCount(candidates) <= k)
            {
                for (ulong m = candidates; m != 0; m &= m - 1)
                {
                    int bit = System.Numerics.BitOperations.TrailingZeroCount(m);
                    votes[labels[origin + (bit >> 3) * stride + (bit & 7)]]++;
                }
            }
            else if (own != 0 && 2 * System.Numerics.BitOperations.PopCount(mixed) < k)
            {
                // The K nearest are all candidates, and at most `mixed` of them carry another label: the own label
                // holds a strict majority of the K votes, whichever they are.
                result[i] = own;
                continue;
            }
            else if (k <= 8)
            {
                // The K nearest in lanes 0 … K − 1 of one sorted vector (+∞ beyond), kept without branches: a new
                // distance goes in front of the first strictly larger one (so ties keep the earlier position) and
                // pushes the rest one lane up.
                var best = Vector256.Create(float.PositiveInfinity);
                var bestLabels = Vector256<int>.Zero;
                for (ulong m = candidates; m != 0; m &= m - 1)
                {
                    int bit = System.Numerics.BitOperations.TrailingZeroCount(m);
                    var d = Vector256.Create(distance[bit]);
                    var after = Vector256.GreaterThan(best, d);
                    var afterPrevious = Vector256.Shuffle(after.AsInt32(), previousLane).AsSingle() & notFirstLane;
                    var moved = Vector256.ConditionalSelect(afterPrevious, Vector256.Shuffle(best, previousLane), d);
                    best = Vector256.ConditionalSelect(after, moved, best);
                    var movedLabels = Vector256.ConditionalSelect(afterPrevious.AsInt32(),
                        Vector256.Shuffle(bestLabels, previousLane), Vector256.Create(labels[origin + (bit >> 3) * stride + (bit & 7)]));
                    bestLabels = Vector256.ConditionalSelect(after.AsInt32(), movedLabels, bestLabels);
                }
                for (int t = 0; t < k; t++) votes[bestLabels.GetElement(t)]++;
            }
            else
            {
                int kept = 0;
                for (ulong m = candidates; m != 0; m &= m - 1)
                {
                    int bit = System.Numerics.BitOperations.TrailingZeroCount(m);
                    Insert(bestDistance, bestLabel, ref kept, distance[bit], labels[origin + (bit >> 3) * stride + (bit & 7)]);
                }
                for (int t = 0; t < k; t++) votes[bestLabel[t]]++;
            }
            result[i] = Vote(votes, classes);
        }
    }

    /// <summary>
    /// Per image pixel, non-zero when every window position that can vote holds the pixel's own label, so every
    /// vote of a point there goes to that label or to "too far" whatever the distances (the result is that label, or
    /// class 1 when it is unlabeled 0). With a cutoff, an empty pixel (range +∞) can never vote and matches any label;
    /// without one every position can vote. Two separable passes over the padded frames: the common label of each row
    /// run of the window's width (−1: all empty, −2: two labels), then the window's height of such runs. The vector
    /// path writes eight pixels at a time (the arrays carry eight entries of slack; later rows overwrite the spill).
    /// </summary>
    internal static int[] UniformWindows(float[] range, int[] label, int height, int width, int window, bool emptyMatchesAll,
        bool vector)
    {
        int pad = (window - 1) / 2;
        var result = new int[height * width + 8];
        UniformWindows(range, label, height, width, window, emptyMatchesAll, vector, new int[FrameLength(height, width, pad)],
            new int[RunLength(height, width, pad)], result);
        return result;
    }

    /// <summary>
    /// <see cref="UniformWindows(float[], int[], int, int, int, bool, bool)"/> with the caller's scratch (at least
    /// <see cref="FrameLength"/> entries for <paramref name="voting"/>, (height + 2 pad) · width + 8 for
    /// <paramref name="run"/>) and result (at least height · width + 8 entries); only those lengths are read or written.
    /// </summary>
    internal static void UniformWindows(float[] range, int[] label, int height, int width, int window, bool emptyMatchesAll,
        bool vector, int[] voting, int[] run, int[] result)
    {
        int pad = (window - 1) / 2, stride = width + 2 * pad, paddedHeight = height + 2 * pad;
        // The label each frame position would vote with, or −1 where it cannot vote (empty, with a cutoff).
        int frame = FrameLength(height, width, pad);
        for (int q = 0; q < frame; q++)
            voting[q] = emptyMatchesAll && float.IsPositiveInfinity(range[q]) ? -1 : label[q];
        if (vector)
        {
            var none = Vector256.Create(-1);
            var conflict = Vector256.Create(-2);
            for (int y = 0; y < paddedHeight; y++)
                for (int x = 0; x < width; x += 8)
                {
                    int start = y * stride + x;
                    var common = Vector256.Create(voting.AsSpan(start, 8));
                    for (int b = 1; b < window; b++)
                    {
                        var next = Vector256.Create(voting.AsSpan(start + b, 8));
                        var agree = Vector256.Equals(next, none) | Vector256.Equals(next, common);
                        common = Vector256.ConditionalSelect(Vector256.Equals(common, none), next,
                            Vector256.ConditionalSelect(agree, common, conflict));
                    }
                    common.CopyTo(run.AsSpan(y * width + x, 8));
                }
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x += 8)
                {
                    var own = Vector256.Create(label.AsSpan((y + pad) * stride + x + pad, 8));
                    var all = Vector256<int>.AllBitsSet;
                    for (int a = 0; a < window; a++)
                    {
                        var common = Vector256.Create(run.AsSpan((y + a) * width + x, 8));
                        all &= Vector256.Equals(common, own) | Vector256.Equals(common, none);
                    }
                    all.CopyTo(result.AsSpan(y * width + x, 8));
                }
            return;
        }
        for (int y = 0; y < paddedHeight; y++)
            for (int x = 0; x < width; x++)
            {
                int start = y * stride + x, common = voting[start];
                for (int b = 1; b < window; b++)
                {
                    int next = voting[start + b];
                    common = common == -1 ? next : next == -1 || next == common ? common : -2;
                }
                run[y * width + x] = common;
            }
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int own = label[(y + pad) * stride + x + pad];
                bool all = true;
                for (int a = 0; a < window && all; a++) all = run[(y + a) * width + x] is var c && (c == own || c == -1);
                result[y * width + x] = all ? -1 : 0;
            }
    }

    /// <summary>
    /// The range and label images in a frame padded by <paramref name="pad"/> on every side, as F.unfold's zero padding
    /// sees them: padding holds range 0 and label 0 (or, with <paramref name="wrap"/>, the columns from the other azimuth
    /// border; rows are always zero-padded); an empty pixel (range &lt; 0) holds +∞.
    /// </summary>
    internal static (float[] Range, int[] Label) Padded(float[] rangeImage, ReadOnlySpan<int> pixelLabels, int height, int width, int pad,
        bool wrap)
    {
        // Eight values of slack at the end: the vector path loads whole 8-lane rows of the window.
        var range = new float[FrameLength(height, width, pad)];
        var label = new int[range.Length];
        Padded(rangeImage, pixelLabels, height, width, pad, wrap, range, label);
        return (range, label);
    }

    /// <summary>
    /// <see cref="Padded(float[], ReadOnlySpan{int}, int, int, int, bool)"/> into the caller's arrays (at least
    /// <see cref="FrameLength"/> entries each; that many are written, the rest left as they are).
    /// </summary>
    internal static void Padded(float[] rangeImage, ReadOnlySpan<int> pixelLabels, int height, int width, int pad, bool wrap,
        float[] range, int[] label)
    {
        int stride = width + 2 * pad, frame = FrameLength(height, width, pad);
        Array.Clear(range, 0, frame);
        Array.Clear(label, 0, frame);
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

    /// <summary>
    /// Inserts a candidate into the K best so far (sorted by distance, <paramref name="kept"/> of K filled, K the spans'
    /// length); an equal distance never displaces an earlier candidate, so ties go to the lower window position.
    /// </summary>
    static void Insert(Span<float> bestDistance, Span<int> bestLabel, ref int kept, float d, int label)
    {
        int k = bestDistance.Length;
        if (kept == k && !(d < bestDistance[k - 1])) return;
        int at = kept == k ? k - 1 : kept++;
        while (at > 0 && d < bestDistance[at - 1])
        {
            bestDistance[at] = bestDistance[at - 1];
            bestLabel[at] = bestLabel[at - 1];
            at--;
        }
        bestDistance[at] = d;
        bestLabel[at] = label;
    }

    /// <summary>argmax over votes[1 .. C − 1] (first maximum) + 1: unlabeled and "too far" never win.</summary>
    static int Vote(ReadOnlySpan<int> votes, int classes)
    {
        int best = 1;
        for (int c = 2; c < classes; c++)
            if (votes[c] > votes[best]) best = c;
        return best;
    }

    internal static void Check(ReadOnlySpan<float> rangeImage, int height, int width, ReadOnlySpan<float> pointRange,
        ReadOnlySpan<int> pointRow, ReadOnlySpan<int> pointColumn, ReadOnlySpan<int> pixelLabels, int classes, KnnOptions options)
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

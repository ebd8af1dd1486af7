namespace Workbench.Kernels.Points;

/// <summary>
/// Mask IoU and Boundary IoU (Cheng, Girshick, Dollár, Berg and Kirillov, CVPR 2021; boundary-iou-api
/// mask_to_boundary) on binary H × W masks. The boundary band of a mask is the mask minus its erosion, where the
/// mask is first padded by one pixel of background and eroded with a 3 × 3 kernel d times,
/// d = max(1, round(ratio · √(H² + W²))) (ratio 0.02 in the paper). Boundary IoU is the IoU of the two bands.
/// Fast path: d erosions by a 3 × 3 kernel with background outside the mask keep exactly the pixels whose
/// Chebyshev distance to the nearest background pixel (outside counts as background) exceeds d, which two raster
/// passes compute in O(H·W) whatever d is; <see cref="BoundaryIoUReference"/> erodes d times, as the definition says.
/// </summary>
public static class BoundaryIoU
{
    /// <summary>The paper's dilation ratio: the band is 2 % of the image diagonal wide.</summary>
    public const double DefaultDilationRatio = 0.02;

    /// <summary>d = max(1, round(ratio · diagonal)), rounding halves to even as Python's round does.</summary>
    /// <exception cref="ArgumentException">A side below 1 or a ratio that is negative or not finite.</exception>
    public static int Dilation(int height, int width, double dilationRatio = DefaultDilationRatio)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"The mask is {height} × {width}: both sides must be at least 1.");
        if (!(dilationRatio >= 0) || double.IsInfinity(dilationRatio))
            throw new ArgumentException($"The dilation ratio {dilationRatio} must be a finite number ≥ 0.");
        int d = (int)Math.Round(dilationRatio * Math.Sqrt((double)height * height + (double)width * width), MidpointRounding.ToEven);
        return Math.Max(d, 1);
    }

    /// <summary>The boundary band of an H × W mask (row-major): mask pixels within d of the background or the border.</summary>
    /// <exception cref="ArgumentException">The mask's length is not H·W.</exception>
    public static bool[] Band(ReadOnlySpan<bool> mask, int height, int width, double dilationRatio = DefaultDilationRatio)
    {
        CheckSize(mask.Length, height, width, "mask");
        int d = Dilation(height, width, dilationRatio);
        var distance = ChebyshevDistanceToBackground(mask, height, width);
        var band = new bool[mask.Length];
        for (int i = 0; i < band.Length; i++) band[i] = mask[i] && distance[i] <= d;
        return band;
    }

    /// <summary>
    /// Boundary IoU of a prediction against the ground truth (both H × W, row-major). A ground truth with no pixel is
    /// rejected (an empty scene: IoU is undefined); an empty prediction scores 0.
    /// </summary>
    /// <exception cref="ArgumentException">A mask has the wrong size, or the ground truth is empty.</exception>
    public static double Compute(ReadOnlySpan<bool> groundTruth, ReadOnlySpan<bool> prediction, int height, int width,
        double dilationRatio = DefaultDilationRatio)
    {
        CheckPair(groundTruth, prediction, height, width);
        return Iou(Band(groundTruth, height, width, dilationRatio), Band(prediction, height, width, dilationRatio));
    }

    /// <summary>Mask IoU |G ∩ P| / |G ∪ P|; same size and emptiness rules as <see cref="Compute"/>.</summary>
    /// <exception cref="ArgumentException">A mask has the wrong size, or the ground truth is empty.</exception>
    public static double MaskIou(ReadOnlySpan<bool> groundTruth, ReadOnlySpan<bool> prediction, int height, int width)
    {
        CheckPair(groundTruth, prediction, height, width);
        return Iou(groundTruth, prediction);
    }

    /// <summary>
    /// Semantic masks (class indices 0 … C − 1 per pixel, 0 background): mask IoU and Boundary IoU of each foreground
    /// class's binary masks, averaged over the foreground classes present in the ground truth or the prediction (a class
    /// predicted but absent from the ground truth scores 0 on both, as in a per-image mean IoU). With C = 2 this is the
    /// binary foreground score of <see cref="MaskIou"/> and <see cref="Compute"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A mask has the wrong size, a label is outside [0, C), C is below 2, or the
    /// ground truth has no foreground pixel (an empty scene).</exception>
    public static (double MaskIou, double BoundaryIou) ClassMean(ReadOnlySpan<int> groundTruth, ReadOnlySpan<int> prediction,
        int classes, int height, int width, double dilationRatio = DefaultDilationRatio)
    {
        if (classes < 2)
            throw new ArgumentException($"classes = {classes}: a semantic mask needs background and at least one foreground class.");
        CheckSize(groundTruth.Length, height, width, "ground-truth mask");
        CheckSize(prediction.Length, height, width, "predicted mask");
        var presentInTruth = new bool[classes];
        var present = new bool[classes];
        for (int i = 0; i < groundTruth.Length; i++)
        {
            int g = groundTruth[i], p = prediction[i];
            if ((uint)g >= (uint)classes || (uint)p >= (uint)classes)
                throw new ArgumentException(
                    $"Pixel {i} has label {((uint)g >= (uint)classes ? g : p)}: class labels must be in [0, {classes}).");
            presentInTruth[g] = present[g] = present[p] = true;
        }
        if (!presentInTruth.Skip(1).Contains(true))
            throw new ArgumentException(
                $"The {height} × {width} ground-truth mask is empty (an empty scene): IoU is undefined without a foreground pixel.");
        double mask = 0, boundary = 0;
        int counted = 0;
        var g1 = new bool[groundTruth.Length];
        var p1 = new bool[groundTruth.Length];
        for (int c = 1; c < classes; c++)
        {
            if (!present[c]) continue;
            counted++;
            if (!presentInTruth[c]) continue; // predicted only: 0 on both
            for (int i = 0; i < g1.Length; i++) (g1[i], p1[i]) = (groundTruth[i] == c, prediction[i] == c);
            mask += Iou(g1, p1);
            boundary += Iou(Band(g1, height, width, dilationRatio), Band(p1, height, width, dilationRatio));
        }
        return (mask / counted, boundary / counted);
    }

    /// <summary>
    /// Chebyshev (chessboard) distance from each pixel to the nearest background pixel, where everything outside the
    /// H × W mask is background: 0 on background, 1 on mask pixels touching background or the border, and so on.
    /// </summary>
    public static int[] ChebyshevDistanceToBackground(ReadOnlySpan<bool> mask, int height, int width)
    {
        CheckSize(mask.Length, height, width, "mask");
        var dist = new int[mask.Length];
        // Forward pass (neighbours above and to the left), then backward (below and to the right); a neighbour outside
        // the mask is background at distance 0.
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                int k = i * width + j;
                if (!mask[k]) { dist[k] = 0; continue; }
                int best = 1 + Math.Min(Math.Min(At(dist, i - 1, j - 1, height, width), At(dist, i - 1, j, height, width)),
                    Math.Min(At(dist, i - 1, j + 1, height, width), At(dist, i, j - 1, height, width)));
                dist[k] = best;
            }
        for (int i = height - 1; i >= 0; i--)
            for (int j = width - 1; j >= 0; j--)
            {
                int k = i * width + j;
                if (!mask[k]) continue;
                int best = 1 + Math.Min(Math.Min(At(dist, i + 1, j + 1, height, width), At(dist, i + 1, j, height, width)),
                    Math.Min(At(dist, i + 1, j - 1, height, width), At(dist, i, j + 1, height, width)));
                if (best < dist[k]) dist[k] = best;
            }
        return dist;
    }

    static int At(int[] dist, int i, int j, int height, int width) =>
        i < 0 || i >= height || j < 0 || j >= width ? 0 : dist[i * width + j];

    internal static double Iou(ReadOnlySpan<bool> a, ReadOnlySpan<bool> b)
    {
        long intersection = 0, union = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] && b[i]) intersection++;
            if (a[i] || b[i]) union++;
        }
        return union == 0 ? 1.0 : (double)intersection / union;
    }

    internal static void CheckPair(ReadOnlySpan<bool> groundTruth, ReadOnlySpan<bool> prediction, int height, int width)
    {
        CheckSize(groundTruth.Length, height, width, "ground-truth mask");
        CheckSize(prediction.Length, height, width, "predicted mask");
        if (!groundTruth.Contains(true))
            throw new ArgumentException(
                $"The {height} × {width} ground-truth mask is empty (an empty scene): IoU is undefined without a foreground pixel.");
    }

    internal static void CheckSize(int length, int height, int width, string what)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"The {what} is said to be {height} × {width}: both sides must be at least 1.");
        if (length != (long)height * width)
            throw new ArgumentException($"The {what} has {length} pixels but {height} × {width} = {(long)height * width} were expected.");
    }
}

namespace Workbench.Kernels.RangeImage;

/// <summary>
/// Back-projection of per-pixel labels to every point (RangeNet++ step 3; lidar-bonnetal's
/// <c>proj_argmax[p_y, p_x]</c>): each point takes the label of the pixel it falls into, including points that
/// another, nearer point occludes in that pixel (the cause of the "shadow" errors the KNN clean-up targets).
/// </summary>
public static class Unprojection
{
    /// <summary>Per-point labels: <c>labels[i] = pixelLabels[row[i] · width + column[i]]</c>.</summary>
    /// <exception cref="ArgumentException">The label image does not match the projection's size.</exception>
    public static int[] Labels(ReadOnlySpan<int> pixelLabels, RangeProjection projection)
    {
        if (pixelLabels.Length != projection.Height * projection.Width)
            throw new ArgumentException(
                $"The label image has {pixelLabels.Length} pixels but the projection is {projection.Height} × {projection.Width}.");
        var result = new int[projection.PointRow.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = pixelLabels[projection.PointRow[i] * projection.Width + projection.PointColumn[i]];
        return result;
    }

    /// <summary>
    /// Ground truth in image form: each pixel takes the label of the point it shows (the nearest), 0 (unlabeled) where
    /// empty. Projecting these back with <see cref="Labels"/> gives the projection ceiling of a 2D network.
    /// </summary>
    public static int[] PixelLabels(ReadOnlySpan<int> pointLabels, RangeProjection projection)
    {
        if (pointLabels.Length != projection.PointRow.Length)
            throw new ArgumentException($"Got {pointLabels.Length} labels for {projection.PointRow.Length} points.");
        var result = new int[projection.Index.Length];
        for (int p = 0; p < result.Length; p++) result[p] = projection.Index[p] >= 0 ? pointLabels[projection.Index[p]] : 0;
        return result;
    }
}

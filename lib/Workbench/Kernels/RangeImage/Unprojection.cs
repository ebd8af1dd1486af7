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
        var result = new int[projection.Points];
        Labels(pixelLabels, projection, result);
        return result;
    }

    /// <summary>
    /// Per-point labels into <paramref name="destination"/> (n entries, the projection's point count), without
    /// allocating; equal to <see cref="Labels(ReadOnlySpan{int}, RangeProjection)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The label image does not match the projection's size, or the destination
    /// does not have one entry per point.</exception>
    public static void Labels(ReadOnlySpan<int> pixelLabels, RangeProjection projection, Span<int> destination)
    {
        if (pixelLabels.Length != projection.Height * projection.Width)
            throw new ArgumentException(
                $"The label image has {pixelLabels.Length} pixels but the projection is {projection.Height} × {projection.Width}.");
        if (destination.Length != projection.Points)
            throw new ArgumentException(
                $"The destination has {destination.Length} entries for {projection.Points} points: give one per point.");
        ReadOnlySpan<int> rows = projection.PointRow, columns = projection.PointColumn;
        int width = projection.Width;
        for (int i = 0; i < destination.Length; i++) destination[i] = pixelLabels[rows[i] * width + columns[i]];
    }

    /// <summary>
    /// Ground truth in image form: each pixel takes the label of the point it shows (the nearest), 0 (unlabeled) where
    /// empty. Projecting these back with <see cref="Labels(ReadOnlySpan{int}, RangeProjection)"/> gives the projection
    /// ceiling of a 2D network.
    /// </summary>
    public static int[] PixelLabels(ReadOnlySpan<int> pointLabels, RangeProjection projection)
    {
        if (pointLabels.Length != projection.Points)
            throw new ArgumentException($"Got {pointLabels.Length} labels for {projection.Points} points.");
        var result = new int[projection.Index.Length];
        for (int p = 0; p < result.Length; p++) result[p] = projection.Index[p] >= 0 ? pointLabels[projection.Index[p]] : 0;
        return result;
    }
}

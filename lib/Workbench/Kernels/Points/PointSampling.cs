namespace Workbench.Kernels.Points;

/// <summary>
/// Bilinear sampling of a C × H × W map at continuous points in [0, 1]² (x along the width, y along the height), as
/// detectron2's <c>point_sample</c> does it: <c>grid_sample(input, 2·coords − 1, align_corners=False)</c> with zero
/// padding. With align_corners = false, pixel j covers [j/W, (j+1)/W) and its value sits at its centre (j + 0.5)/W, so
/// the continuous position x maps to the pixel coordinate x·W − 0.5; neighbours outside the map count as zero (a point
/// within half a pixel of the border is blended with zero, exactly like the reference).
/// Source: detectron2 projects/PointRend/point_rend/point_features.py (point_sample); PyTorch grid_sampler_2d.
/// </summary>
public static class PointSampling
{
    /// <summary>
    /// Samples every channel of <paramref name="input"/> (C × H × W, row-major) at the P points of
    /// <paramref name="coords"/> (P × 2 as x, y pairs in [0, 1]²) into <paramref name="output"/> (C × P).
    /// Points outside [0, 1]² are allowed and read zeros beyond the border, as grid_sample's zero padding does.
    /// </summary>
    /// <exception cref="ArgumentException">A size does not match, or the coordinate count is odd.</exception>
    public static void Bilinear(ReadOnlySpan<float> input, int channels, int height, int width, ReadOnlySpan<float> coords,
        Span<float> output)
    {
        int points = CheckShapes(input.Length, channels, height, width, coords.Length, output.Length);
        int plane = height * width;
        if (channels == 1)
        {
            for (int p = 0; p < points; p++)
            {
                Corners(coords[2 * p], coords[2 * p + 1], height, width, out int i00, out int i01, out int i10, out int i11,
                    out float w00, out float w01, out float w10, out float w11);
                output[p] = w00 * input[i00] + w01 * input[i01] + w10 * input[i10] + w11 * input[i11];
            }
            return;
        }
        // The four neighbours' offsets and weights once per point (a neighbour outside the map gets weight 0), then one
        // tight pass per channel plane, which keeps the plane in cache and writes the output row contiguously.
        var offsets = System.Buffers.ArrayPool<int>.Shared.Rent(4 * points);
        var weights = System.Buffers.ArrayPool<float>.Shared.Rent(4 * points);
        try
        {
            for (int p = 0; p < points; p++)
            {
                Corners(coords[2 * p], coords[2 * p + 1], height, width, out offsets[4 * p], out offsets[4 * p + 1], out offsets[4 * p + 2],
                    out offsets[4 * p + 3], out weights[4 * p], out weights[4 * p + 1], out weights[4 * p + 2], out weights[4 * p + 3]);
            }
            for (int c = 0; c < channels; c++)
            {
                var map = input.Slice(c * plane, plane);
                var row = output.Slice(c * points, points);
                for (int p = 0, k = 0; p < points; p++, k += 4)
                    row[p] = weights[k] * map[offsets[k]] + weights[k + 1] * map[offsets[k + 1]]
                        + weights[k + 2] * map[offsets[k + 2]] + weights[k + 3] * map[offsets[k + 3]];
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(offsets);
            System.Buffers.ArrayPool<float>.Shared.Return(weights);
        }
    }

    /// <summary>Allocating form of <see cref="Bilinear(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static float[] Bilinear(ReadOnlySpan<float> input, int channels, int height, int width, ReadOnlySpan<float> coords)
    {
        var output = new float[channels * (coords.Length / 2)];
        Bilinear(input, channels, height, width, coords, output);
        return output;
    }

    /// <summary>
    /// Coordinates (x, y) in [0, 1]² of the centre of cell <paramref name="index"/> (row-major) of an H × W grid:
    /// x = (j + 0.5)/W, y = (i + 0.5)/H, computed as detectron2's get_uncertain_point_coords_on_grid does
    /// (w_step/2 + j·w_step). Sampling a map of the same size there returns the cell's own value.
    /// </summary>
    public static (float X, float Y) CellCentre(int index, int height, int width)
    {
        float wStep = 1f / width, hStep = 1f / height;
        return (wStep / 2f + index % width * wStep, hStep / 2f + index / width * hStep);
    }

    /// <summary>The centres of all H × W cells, row-major, as P × 2 (x, y) pairs (a regular grid of points).</summary>
    public static float[] Grid(int height, int width)
    {
        var coords = new float[2 * height * width];
        for (int i = 0; i < height * width; i++) (coords[2 * i], coords[2 * i + 1]) = CellCentre(i, height, width);
        return coords;
    }

    internal static void Corners(float x, float y, int height, int width, out int i00, out int i01, out int i10, out int i11,
        out float w00, out float w01, out float w10, out float w11)
    {
        // grid_sample unnormalises g = 2x − 1 as ((g + 1)·W − 1)/2; keep the same float operations so results match it.
        float gx = 2f * x - 1f, gy = 2f * y - 1f;
        float ix = ((gx + 1f) * width - 1f) / 2f, iy = ((gy + 1f) * height - 1f) / 2f;
        int x0 = (int)MathF.Floor(ix), y0 = (int)MathF.Floor(iy);
        float fx = ix - x0, fy = iy - y0;
        bool inX0 = x0 >= 0 && x0 < width, inX1 = x0 + 1 >= 0 && x0 + 1 < width;
        bool inY0 = y0 >= 0 && y0 < height, inY1 = y0 + 1 >= 0 && y0 + 1 < height;
        w00 = inY0 && inX0 ? (1 - fx) * (1 - fy) : 0;
        w01 = inY0 && inX1 ? fx * (1 - fy) : 0;
        w10 = inY1 && inX0 ? (1 - fx) * fy : 0;
        w11 = inY1 && inX1 ? fx * fy : 0;
        // Offsets of neighbours with weight 0 point at cell 0 so the read is always in range.
        i00 = w00 != 0 ? y0 * width + x0 : 0;
        i01 = w01 != 0 ? y0 * width + x0 + 1 : 0;
        i10 = w10 != 0 ? (y0 + 1) * width + x0 : 0;
        i11 = w11 != 0 ? (y0 + 1) * width + x0 + 1 : 0;
    }

    internal static int CheckShapes(int inputLength, int channels, int height, int width, int coordsLength, int outputLength)
    {
        if (channels < 1 || height < 1 || width < 1)
            throw new ArgumentException(
                $"The map is {channels} × {height} × {width}: channels, height and width must each be at least 1.");
        if (inputLength != channels * height * width)
            throw new ArgumentException(
                $"The map holds {inputLength} values but {channels} × {height} × {width} = {channels * height * width} were expected.");
        if (coordsLength % 2 != 0)
            throw new ArgumentException($"The coordinates hold {coordsLength} values: they must be (x, y) pairs, an even count.");
        int points = coordsLength / 2;
        if (outputLength != channels * points)
            throw new ArgumentException(
                $"The output holds {outputLength} values but channels × points = {channels * points} were expected.");
        return points;
    }
}

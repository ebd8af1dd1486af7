namespace Workbench.Kernels.Points;

/// <summary>
/// The plain reference of <see cref="PointSampling.Bilinear(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, Span{float})"/>:
/// one output at a time, straight from the definition (grid_sample, bilinear, zero padding, align_corners = false), in
/// double precision. Tests compare the fast path against it.
/// </summary>
public static class PointSamplingReference
{
    /// <summary>Samples C × H × W <paramref name="input"/> at P (x, y) points in [0, 1]²; returns C × P values.</summary>
    public static float[] Bilinear(float[] input, int channels, int height, int width, float[] coords)
    {
        int points = coords.Length / 2;
        var output = new float[channels * points];
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < points; p++)
            {
                // align_corners = false: the continuous position x ∈ [0, 1] is x·W − 0.5 in pixel units (pixel centres at integers).
                double px = coords[2 * p] * (double)width - 0.5, py = coords[2 * p + 1] * (double)height - 0.5;
                int x0 = (int)Math.Floor(px), y0 = (int)Math.Floor(py);
                double fx = px - x0, fy = py - y0;
                double value = (1 - fx) * (1 - fy) * Pixel(input, c, y0, x0, height, width)
                    + fx * (1 - fy) * Pixel(input, c, y0, x0 + 1, height, width)
                    + (1 - fx) * fy * Pixel(input, c, y0 + 1, x0, height, width)
                    + fx * fy * Pixel(input, c, y0 + 1, x0 + 1, height, width);
                output[c * points + p] = (float)value;
            }
        return output;
    }

    // Zero padding: a pixel outside the map reads 0.
    static double Pixel(float[] input, int c, int y, int x, int height, int width) =>
        y < 0 || y >= height || x < 0 || x >= width ? 0 : input[(c * height + y) * width + x];
}

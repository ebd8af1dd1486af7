namespace Workbench.Kernels.Points;

/// <summary>
/// Bilinear resizing of a C × H × W map as PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c> does it
/// for an explicit output size: the output pixel centre (i + 0.5) maps to the source position (i + 0.5)·H/H' − 0.5,
/// clamped below at 0, and the upper neighbour is clamped to the last row/column (edge replication, unlike
/// <see cref="PointSampling"/>'s zero padding). Subdivision uses it with a factor of 2; the coarse baseline uses it
/// for the whole way at once. Source: PyTorch aten/src/ATen/native/UpSample.h (area_pixel_compute_source_index).
/// </summary>
public static class BilinearResize
{
    /// <summary>Resizes C × <paramref name="height"/> × <paramref name="width"/> to C × outHeight × outWidth.</summary>
    /// <exception cref="ArgumentException">A size is below 1 or the input length does not match.</exception>
    public static float[] Resize(ReadOnlySpan<float> input, int channels, int height, int width, int outHeight, int outWidth)
    {
        if (outHeight < 1 || outWidth < 1)
            throw new ArgumentException($"The output size is {outHeight} × {outWidth}: both sides must be at least 1.");
        PointSampling.CheckShapes(input.Length, channels, height, width, 0, 0);
        var (y0, y1, fy) = Taps(height, outHeight);
        var (x0, x1, fx) = Taps(width, outWidth);
        var output = new float[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++)
        {
            var map = input.Slice(c * height * width, height * width);
            for (int i = 0; i < outHeight; i++)
            {
                int row0 = y0[i] * width, row1 = y1[i] * width;
                float wy = fy[i];
                int o = (c * outHeight + i) * outWidth;
                for (int j = 0; j < outWidth; j++)
                {
                    float wx = fx[j];
                    float top = (1 - wx) * map[row0 + x0[j]] + wx * map[row0 + x1[j]];
                    float bottom = (1 - wx) * map[row1 + x0[j]] + wx * map[row1 + x1[j]];
                    output[o + j] = (1 - wy) * top + wy * bottom;
                }
            }
        }
        return output;
    }

    static (int[] Low, int[] High, float[] Fraction) Taps(int inSize, int outSize)
    {
        var low = new int[outSize];
        var high = new int[outSize];
        var fraction = new float[outSize];
        float scale = (float)inSize / outSize;
        for (int i = 0; i < outSize; i++)
        {
            float source = Math.Max(scale * (i + 0.5f) - 0.5f, 0f);
            int l = Math.Min((int)source, inSize - 1);
            low[i] = l;
            high[i] = Math.Min(l + 1, inSize - 1);
            fraction[i] = source - l;
        }
        return (low, high, fraction);
    }
}

namespace Workbench.Kernels.Augment;

/// <summary>
/// The batched augmentation kernel: applies one <see cref="AugmentPlan"/> per image to a batch of grey-scale byte
/// images gathered by index from a dataset, in parallel over images, with no allocation per image. Flip and shift are
/// one gather through precomputed row and column tables; every point operation (autocontrast, equalize, solarize,
/// posterize, contrast, brightness) is a 256-entry lookup table built from the image's histogram; geometric
/// operations read through per-column tables of the inverse affine map. The result equals
/// <see cref="AugmentReference.Apply(byte[], int, int, AugmentPlan)"/> byte for byte (the same expressions, evaluated in
/// the same order).
/// </summary>
public static class BatchAugment
{
    /// <summary>
    /// Augments the images <paramref name="indices"/> of <paramref name="source"/> (N × height × width bytes) into
    /// <paramref name="output"/> (indices.Length × height × width floats, pixel / 255, ready for a network).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes disagree or an index is outside the source.</exception>
    public static void ApplyToFloats(byte[] source, int height, int width, IReadOnlyList<int> indices, IReadOnlyList<AugmentPlan> plans,
        float[] output)
    {
        int size = Check(source, height, width, indices, plans, output.Length);
        Run(indices.Count, size, (i, image) =>
        {
            Augment(source.AsSpan(indices[i] * size, size), height, width, plans[i], image.Work, image.Other);
            var target = output.AsSpan(i * size, size);
            for (int p = 0; p < size; p++) target[p] = image.Work[p] * (1f / 255f);
        });
    }

    /// <summary>As <see cref="ApplyToFloats"/>, writing bytes (for pictures and tests).</summary>
    public static void Apply(byte[] source, int height, int width, IReadOnlyList<int> indices, IReadOnlyList<AugmentPlan> plans,
        byte[] output)
    {
        int size = Check(source, height, width, indices, plans, output.Length);
        Run(indices.Count, size, (i, image) =>
        {
            Augment(source.AsSpan(indices[i] * size, size), height, width, plans[i], image.Work, image.Other);
            image.Work.AsSpan(0, size).CopyTo(output.AsSpan(i * size, size));
        });
    }

    sealed class Scratch(int size)
    {
        public byte[] Work = new byte[size], Other = new byte[size];
    }

    static void Run(int count, int size, Action<int, Scratch> body)
    {
        // Chunks of images per task: 28 × 28 images take microseconds, so one task per image would cost more than it does.
        const int Chunk = 16;
        int chunks = (count + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, () => new Scratch(size), (chunk, _, scratch) =>
        {
            for (int i = chunk * Chunk; i < Math.Min(count, (chunk + 1) * Chunk); i++)
            {
                body(i, scratch);
            }
            return scratch;
        }, _ => { });
    }

    static int Check(byte[] source, int height, int width, IReadOnlyList<int> indices, IReadOnlyList<AugmentPlan> plans, int outputLength)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"The image is {height} × {width}: both sides must be at least 1.");
        int size = height * width;
        if (source.Length % size != 0)
            throw new ArgumentException($"The source holds {source.Length} bytes, not a whole number of {height} × {width} images.");
        if (plans.Count != indices.Count)
            throw new ArgumentException($"{indices.Count} images but {plans.Count} plans: give one plan per image.");
        if (outputLength != indices.Count * size)
            throw new ArgumentException($"The output holds {outputLength} values; {indices.Count} images need {indices.Count * size}.");
        int count = source.Length / size;
        foreach (var index in indices)
            if (index < 0 || index >= count) throw new ArgumentException($"Image index {index} is outside the source's {count} images.");
        return size;
    }

    /// <summary>One image: the result is left in <paramref name="work"/> (the buffers are swapped by reference internally).</summary>
    static void Augment(ReadOnlySpan<byte> image, int height, int width, AugmentPlan plan, byte[] work, byte[] other)
    {
        int size = height * width;
        Span<int> columns = stackalloc int[width];
        for (int x = 0; x < width; x++)
        {
            int c = AugmentOps.Reflect(x - plan.ShiftX, width);
            columns[x] = plan.Flip ? width - 1 - c : c;
        }
        for (int y = 0; y < height; y++)
        {
            var row = image.Slice(AugmentOps.Reflect(y - plan.ShiftY, height) * width, width);
            var target = work.AsSpan(y * width, width);
            for (int x = 0; x < width; x++) target[x] = row[columns[x]];
        }
        var a = work;
        var b = other;
        Span<byte> lut = stackalloc byte[256];
        Span<int> histogram = stackalloc int[256];
        foreach (var step in plan.Steps)
        {
            var current = a.AsSpan(0, size);
            switch (step.Op)
            {
                case AugmentOp.Identity or AugmentOp.Color:
                    break;
                case AugmentOp.Sharpness:
                    Sharpen(current, b.AsSpan(0, size), height, width, step.Value);
                    (a, b) = (b, a);
                    break;
                case AugmentOp.Rotate or AugmentOp.ShearX or AugmentOp.ShearY or AugmentOp.TranslateX or AugmentOp.TranslateY:
                    Warp(current, b.AsSpan(0, size), height, width, step);
                    (a, b) = (b, a);
                    break;
                default:
                    BuildLut(step, current, histogram, lut);
                    for (int p = 0; p < size; p++) current[p] = lut[current[p]];
                    break;
            }
        }
        if (plan.CutoutSide > 0)
        {
            int x0 = plan.CutoutX - plan.CutoutSide / 2, y0 = plan.CutoutY - plan.CutoutSide / 2;
            int c0 = Math.Max(0, x0), c1 = Math.Min(width, x0 + plan.CutoutSide);
            for (int r = Math.Max(0, y0); r < Math.Min(height, y0 + plan.CutoutSide); r++)
                if (c1 > c0) a.AsSpan(r * width + c0, c1 - c0).Fill(AugmentPlan.CutoutFill);
        }
        if (!ReferenceEquals(a, work)) a.AsSpan(0, size).CopyTo(work);
    }

    static void BuildLut(AugmentStep step, ReadOnlySpan<byte> image, Span<int> histogram, Span<byte> lut)
    {
        histogram.Clear();
        foreach (var v in image) histogram[v]++;
        switch (step.Op)
        {
            case AugmentOp.AutoContrast:
            {
                int lo = 0, hi = 255;
                while (lo < 255 && histogram[lo] == 0) lo++;
                while (hi > 0 && histogram[hi] == 0) hi--;
                for (int v = 0; v < 256; v++)
                {
                    if (hi <= lo) { lut[v] = (byte)v; continue; }
                    double scale = 255.0 / (hi - lo), offset = -lo * scale;
                    lut[v] = (byte)Math.Clamp((int)(v * scale + offset), 0, 255);
                }
                break;
            }
            case AugmentOp.Equalize:
            {
                int last = 255, occupied = 0;
                while (last > 0 && histogram[last] == 0) last--;
                foreach (var h in histogram) occupied += h > 0 ? 1 : 0;
                int stepSize = (image.Length - histogram[last]) / 255;
                for (int level = 0, below = 0; level < 256; below += histogram[level], level++)
                    lut[level] = (byte)(occupied <= 1 || stepSize == 0 ? level : Math.Min(255, (stepSize / 2 + below) / stepSize));
                break;
            }
            case AugmentOp.Solarize:
                for (int v = 0; v < 256; v++) lut[v] = (byte)(v < step.Value ? v : 255 - v);
                break;
            case AugmentOp.Posterize:
            {
                int mask = ~((1 << (8 - (int)step.Value)) - 1) & 0xFF;
                for (int v = 0; v < 256; v++) lut[v] = (byte)(v & mask);
                break;
            }
            case AugmentOp.Contrast:
            {
                // The same sum as the reference's, from the histogram (exact: integers below 2^53).
                double sum = 0;
                for (int v = 0; v < 256; v++) sum += (double)v * histogram[v];
                int mean = (int)(sum / image.Length + 0.5);
                for (int v = 0; v < 256; v++) lut[v] = AugmentOps.Blend(mean, v, step.Value);
                break;
            }
            case AugmentOp.Brightness:
                for (int v = 0; v < 256; v++) lut[v] = AugmentOps.Blend(0, v, step.Value);
                break;
            default:
                throw new ArgumentException($"{step.Op} is not a point operation.");
        }
    }

    static void Sharpen(ReadOnlySpan<byte> image, Span<byte> output, int height, int width, double factor)
    {
        image.CopyTo(output);
        for (int y = 0; y < height; y++)
        {
            bool inner = y > 0 && y < height - 1;
            for (int x = 0; x < width; x++)
            {
                int o = y * width + x;
                int v = image[o];
                int smooth = v;
                if (inner && x > 0 && x < width - 1)
                {
                    int up = o - width, down = o + width;
                    int sum = image[up - 1] + image[up] + image[up + 1] + image[o - 1] + 5 * v + image[o + 1]
                        + image[down - 1] + image[down] + image[down + 1];
                    smooth = (sum + 6) / 13;
                }
                output[o] = AugmentOps.Blend(smooth, v, factor);
            }
        }
    }

    static void Warp(ReadOnlySpan<byte> image, Span<byte> output, int height, int width, AugmentStep step)
    {
        var (a, b, cx, d, e, cy) = AugmentOps.InverseAffine(step, height, width);
        Span<double> columnX = stackalloc double[width];
        Span<double> columnY = stackalloc double[width];
        for (int x = 0; x < width; x++)
        {
            double u = x + 0.5 - width / 2.0;
            columnX[x] = a * u;
            columnY[x] = d * u;
        }
        for (int y = 0; y < height; y++)
        {
            double v = y + 0.5 - height / 2.0;
            double rowX = b * v + cx, rowY = e * v + cy;
            var target = output.Slice(y * width, width);
            for (int x = 0; x < width; x++)
            {
                int ix = (int)Math.Floor(columnX[x] + rowX), iy = (int)Math.Floor(columnY[x] + rowY);
                target[x] = (uint)ix < (uint)width && (uint)iy < (uint)height ? image[iy * width + ix] : (byte)0;
            }
        }
    }
}

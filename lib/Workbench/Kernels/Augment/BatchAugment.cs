using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels.Augment;

/// <summary>
/// The batched augmentation kernel: applies one <see cref="AugmentPlan"/> per image to a batch of grey-scale byte
/// images gathered by index from a dataset, with no allocation per image (per-thread scratch buffers); large batches
/// are split over the cores (<see cref="ParallelPixels"/>). For images at most 32 pixels wide (AVX2), flip and shift are
/// one byte permutation per row (the flip and the reflected columns folded into its control), and so are translations
/// and ShearX, whose source row is constant along an output row (out-of-image columns shuffle in zeros); wider images
/// take one contiguous copy per row. Posterize and solarize are byte-vector operations; the other point operations
/// (autocontrast, equalize, contrast, brightness) are a 256-entry lookup table built from the image's min/max, sum or
/// histogram (skipped where it is the identity; the blends and equalize's quotients eight levels at a time); Sharpness
/// is one pass per 16 pixels (window sum in 16-bit lanes, blend in doubles); rotations and ShearY compute four floored
/// source indices at a time (AVX), then gather. The result equals
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
        Run(indices.Count, size, width, (i, scratch) =>
        {
            var result = Augment(source.AsSpan(indices[i] * size, size), height, width, plans[i], scratch);
            ToFloats(result, output.AsSpan(i * size, size));
        });
    }

    /// <summary>As <see cref="ApplyToFloats"/>, writing bytes (for pictures and tests).</summary>
    public static void Apply(byte[] source, int height, int width, IReadOnlyList<int> indices, IReadOnlyList<AugmentPlan> plans,
        byte[] output)
    {
        int size = Check(source, height, width, indices, plans, output.Length);
        Run(indices.Count, size, width, (i, scratch) =>
            Augment(source.AsSpan(indices[i] * size, size), height, width, plans[i], scratch).CopyTo(output.AsSpan(i * size, size)));
    }

    /// <summary>
    /// Images of at least this many pixels in all are split over the cores; below it one thread does the batch, as
    /// waking a second worker costs more than it saves (a reading-group batch, 96 × 784 pixels, stays on one core).
    /// </summary>
    public const int ParallelPixels = 200_000;

    /// <summary>
    /// Per-thread buffers: two images (one byte longer, holding 0, which out-of-image reads of a warp point at), the
    /// warp's source indices and per-column coordinates, and the 256-entry histogram and lookup table.
    /// </summary>
    sealed class Scratch(int size, int width)
    {
        public readonly byte[] A = new byte[size + 32], B = new byte[size + 32];
        public readonly int[] Index = new int[size + 4];
        public readonly double[] ColumnX = NaNs(Math.Max(width, 32) + 4), ColumnY = new double[width + 4];

        // Columns past the width stay NaN: their floors convert to int.MinValue, outside the image.
        static double[] NaNs(int length)
        {
            var values = new double[length];
            Array.Fill(values, double.NaN);
            return values;
        }
        public readonly int[] Histogram = new int[256], Smooth = new int[size + 4], Pixels = new int[size + 4];
        public readonly byte[] Lut = new byte[256], Row = new byte[width + 1], Padded = new byte[32], Control = new byte[32];
        public readonly int[] ColumnIndex = new int[width + 4];
        public readonly int Size = size, Width = width;
    }

    [ThreadStatic] static Scratch? _scratch;

    static Scratch ScratchFor(int size, int width)
    {
        var scratch = _scratch;
        if (scratch is null || scratch.Size != size || scratch.Width != width) _scratch = scratch = new Scratch(size, width);
        return scratch;
    }

    static void Run(int count, int size, int width, Action<int, Scratch> body)
    {
        if ((long)count * size < ParallelPixels || Environment.ProcessorCount == 1)
        {
            var scratch = ScratchFor(size, width);
            for (int i = 0; i < count; i++) body(i, scratch);
            return;
        }
        int chunks = Math.Min(count, 4 * Environment.ProcessorCount);
        Parallel.For(0, chunks, chunk =>
        {
            var scratch = ScratchFor(size, width);
            for (int i = (int)((long)chunk * count / chunks); i < (int)((long)(chunk + 1) * count / chunks); i++) body(i, scratch);
        });
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

    /// <summary>One image through its plan; returns the span of the scratch buffer that holds the result.</summary>
    static ReadOnlySpan<byte> Augment(ReadOnlySpan<byte> image, int height, int width, AugmentPlan plan, Scratch scratch)
    {
        int size = height * width;
        var a = scratch.A;
        var b = scratch.B;
        Gather(image, a, height, width, plan, scratch);
        foreach (var step in plan.Steps)
        {
            var current = a.AsSpan(0, size);
            switch (step.Op)
            {
                case AugmentOp.Identity or AugmentOp.Color:
                    break;
                case AugmentOp.Sharpness:
                    Sharpen(current, b.AsSpan(0, size), height, width, step.Value, scratch.Smooth, scratch.Pixels);
                    (a, b) = (b, a);
                    break;
                case AugmentOp.Rotate or AugmentOp.ShearX or AugmentOp.ShearY or AugmentOp.TranslateX or AugmentOp.TranslateY:
                    Warp(a, b, height, width, step, scratch);
                    (a, b) = (b, a);
                    break;
                case AugmentOp.Posterize:
                    Posterize(current, (int)step.Value);
                    break;
                case AugmentOp.Solarize:
                    Solarize(current, step.Value);
                    break;
                default:
                    if (!BuildLut(step, current, scratch.Histogram, scratch.Lut)) Lookup(current, scratch.Lut);
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
        return a.AsSpan(0, size);
    }

    /// <summary>
    /// Flip, then shift with reflect padding: output[y, x] = flipped[reflect(y − dy), reflect(x − dx)]. Each row is one
    /// contiguous copy of the source row (reversed first when flipped) plus at most |dx| reflected pixels at its ends.
    /// </summary>
    static void Gather(ReadOnlySpan<byte> image, byte[] target, int height, int width, AugmentPlan plan, Scratch scratch)
    {
        if (Avx2.IsSupported && width <= 32)
        {
            // One byte permutation per row: control[x] is the source column of output column x (flip and reflection
            // folded in); every output row is one 32-byte store, its spill-over overwritten by the next row.
            var control = scratch.Control;
            for (int x = 0; x < 32; x++)
            {
                int c = x < width ? Reflect(x - plan.ShiftX, width) : -1;
                control[x] = c < 0 ? (byte)0x80 : (byte)(plan.Flip ? width - 1 - c : c);
            }
            var permutation = Vector256.Create(control);
            for (int y = 0; y < height; y++)
                PermuteRow(image, Reflect(y - plan.ShiftY, height) * width, width, permutation, scratch.Padded)
                    .CopyTo(target.AsSpan(y * width));
            return;
        }
        Gather(image, target.AsSpan(0, height * width), height, width, plan, scratch.Row);
    }

    /// <summary>
    /// The row of <paramref name="width"/> ≤ 32 bytes at <paramref name="start"/> of <paramref name="image"/>, permuted:
    /// byte x of the result is row[control[x]], or 0 where control[x] has its top bit set. Rows that end within 32 bytes
    /// of the image's end are copied to <paramref name="padded"/> first.
    /// </summary>
    static Vector256<byte> PermuteRow(ReadOnlySpan<byte> image, int start, int width, Vector256<byte> control, byte[] padded)
    {
        Vector256<byte> row;
        if (start + 32 <= image.Length) row = Vector256.Create(image.Slice(start, 32));
        else
        {
            image.Slice(start, width).CopyTo(padded);
            row = Vector256.Create(padded);
        }
        // AVX2's byte shuffle works within 16-byte lanes: shuffle both halves of the row into both lanes, then pick per
        // byte by bit 4 of its control (moved to bit 7 for the blend); a control with bit 7 set shuffles in a zero.
        var low = Avx2.Shuffle(Avx2.Permute2x128(row, row, 0x00), control);
        var high = Avx2.Shuffle(Avx2.Permute2x128(row, row, 0x11), control);
        return Avx2.BlendVariable(low, high, Avx2.ShiftLeftLogical(control.AsUInt16(), 3).AsByte());
    }

    static void Gather(ReadOnlySpan<byte> image, Span<byte> output, int height, int width, AugmentPlan plan, byte[] rowBuffer)
    {
        int dx = plan.ShiftX;
        int lo = Math.Clamp(dx, 0, width), hi = Math.Clamp(width + dx, 0, width);
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = image.Slice(Reflect(y - plan.ShiftY, height) * width, width);
            if (plan.Flip)
            {
                var reversed = rowBuffer.AsSpan(0, width);
                row.CopyTo(reversed);
                reversed.Reverse();
                row = reversed;
            }
            var target = output.Slice(y * width, width);
            if (hi > lo) row.Slice(lo - dx, hi - lo).CopyTo(target.Slice(lo));
            for (int x = 0; x < lo; x++) target[x] = row[Reflect(x - dx, width)];
            for (int x = Math.Max(hi, lo); x < width; x++) target[x] = row[Reflect(x - dx, width)];
        }
    }

    /// <summary>
    /// <see cref="AugmentOps.Reflect"/> without its division for indices at most one reflection away from [0, n) (every
    /// shift below the side), falling back to it otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Reflect(int i, int n) =>
        (uint)i < (uint)n ? i
        : i < 0 && i > -n ? -i
        : i >= n && i < 2 * n - 1 ? 2 * (n - 1) - i
        : AugmentOps.Reflect(i, n);

    /// <summary>image[p] = lut[image[p]] (the table has 256 entries, so every byte indexes it).</summary>
    static void Lookup(Span<byte> image, byte[] lut)
    {
        ref byte table = ref MemoryMarshal.GetArrayDataReference(lut);
        ref byte pixel = ref MemoryMarshal.GetReference(image);
        int p = 0;
        for (; p <= image.Length - 8; p += 8)
        {
            // Eight pixels per load and store.
            ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref pixel, p));
            ulong mapped = Unsafe.Add(ref table, (int)(v & 0xFF))
                | (ulong)Unsafe.Add(ref table, (int)((v >> 8) & 0xFF)) << 8
                | (ulong)Unsafe.Add(ref table, (int)((v >> 16) & 0xFF)) << 16
                | (ulong)Unsafe.Add(ref table, (int)((v >> 24) & 0xFF)) << 24
                | (ulong)Unsafe.Add(ref table, (int)((v >> 32) & 0xFF)) << 32
                | (ulong)Unsafe.Add(ref table, (int)((v >> 40) & 0xFF)) << 40
                | (ulong)Unsafe.Add(ref table, (int)((v >> 48) & 0xFF)) << 48
                | (ulong)Unsafe.Add(ref table, (int)(v >> 56)) << 56;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref pixel, p), mapped);
        }
        for (; p < image.Length; p++)
        {
            ref byte v = ref Unsafe.Add(ref pixel, p);
            v = Unsafe.Add(ref table, v);
        }
    }

    /// <summary>
    /// v &lt; T ? v : 255 − v. For an integer v, v &lt; T exactly when v &lt; ⌈T⌉, so the vector compare uses ⌈T⌉.
    /// </summary>
    static void Solarize(Span<byte> image, double threshold)
    {
        int p = 0;
        double ceiling = Math.Ceiling(threshold);
        if (Vector256.IsHardwareAccelerated && ceiling >= 1 && ceiling <= 255)
        {
            var limit = Vector256.Create((byte)ceiling);
            var white = Vector256.Create((byte)255);
            for (; p <= image.Length - Vector256<byte>.Count; p += Vector256<byte>.Count)
            {
                var v = Vector256.Create((ReadOnlySpan<byte>)image.Slice(p));
                Vector256.ConditionalSelect(Vector256.LessThan(v, limit), v, white - v).CopyTo(image.Slice(p));
            }
        }
        for (; p < image.Length; p++) image[p] = (byte)(image[p] < threshold ? image[p] : 255 - image[p]);
    }

    static void Posterize(Span<byte> image, int bits)
    {
        byte mask = (byte)(~((1 << (8 - bits)) - 1) & 0xFF);
        int p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var m = Vector256.Create(mask);
            for (; p <= image.Length - Vector256<byte>.Count; p += Vector256<byte>.Count)
                (Vector256.Create((ReadOnlySpan<byte>)image.Slice(p)) & m).CopyTo(image.Slice(p));
        }
        for (; p < image.Length; p++) image[p] &= mask;
    }

    /// <summary>Pixel / 255 as floats (the same single-precision product as <c>pixel * (1f / 255f)</c>).</summary>
    static void ToFloats(ReadOnlySpan<byte> image, Span<float> output)
    {
        int p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(1f / 255f);
            for (; p <= image.Length - Vector256<byte>.Count; p += Vector256<byte>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(image.Slice(p)));
                var (l0, l1) = Vector256.Widen(low);
                var (h0, h1) = Vector256.Widen(high);
                (Vector256.ConvertToSingle(l0.AsInt32()) * scale).CopyTo(output.Slice(p));
                (Vector256.ConvertToSingle(l1.AsInt32()) * scale).CopyTo(output.Slice(p + 8));
                (Vector256.ConvertToSingle(h0.AsInt32()) * scale).CopyTo(output.Slice(p + 16));
                (Vector256.ConvertToSingle(h1.AsInt32()) * scale).CopyTo(output.Slice(p + 24));
            }
        }
        for (; p < image.Length; p++) output[p] = image[p] * (1f / 255f);
    }

    /// <summary>Fills the operation's 256-entry table; returns true instead when the table is the identity.</summary>
    static bool BuildLut(AugmentStep step, ReadOnlySpan<byte> image, int[] histogram, byte[] lut)
    {
        switch (step.Op)
        {
            case AugmentOp.AutoContrast:
            {
                int lo = Min(image), hi = Max(image);
                // Flat images, and images already spanning [0, 255] (scale 1, offset −0: v · 1 − 0 = v), are unchanged.
                if (hi <= lo || (lo == 0 && hi == 255)) return true;
                double scale = 255.0 / (hi - lo), offset = -lo * scale;
                for (int v = 0; v < 256; v++) lut[v] = (byte)Math.Clamp((int)(v * scale + offset), 0, 255);
                return false;
            }
            case AugmentOp.Equalize:
            {
                Histogram(image, histogram);
                int last = 255, occupied = 0;
                while (last > 0 && histogram[last] == 0) last--;
                foreach (var h in histogram) occupied += h > 0 ? 1 : 0;
                int stepSize = (image.Length - histogram[last]) / 255;
                if (occupied <= 1 || stepSize == 0) return true;
                // The histogram becomes the numerators stepSize / 2 + (pixels below the level), then the quotients.
                for (int level = 0, below = stepSize / 2; level < 256; level++)
                    (histogram[level], below) = (below, below + histogram[level]);
                Quotients(histogram, stepSize, lut);
                return false;
            }
            case AugmentOp.Contrast:
            {
                // The reference's double sum of integers is exact, so an integer sum gives the same mean.
                int mean = (int)((double)Sum(image) / image.Length + 0.5);
                BlendLut(mean, step.Value, lut);
                return false;
            }
            case AugmentOp.Brightness:
                BlendLut(0, step.Value, lut);
                return false;
            default:
                throw new ArgumentException($"{step.Op} is not a point operation.");
        }
    }

    /// <summary>
    /// lut[k] = min(255, numerators[k] / divisor) on non-negative integers below 2^30, eight at a time without a division:
    /// the double product with 1 / divisor truncates to the quotient or one off it (its relative error is under 2^-52),
    /// and one multiply-and-compare each way corrects it.
    /// </summary>
    static void Quotients(int[] numerators, int divisor, byte[] lut)
    {
        int k = 0;
        if (Avx2.IsSupported)
        {
            var inverse = Vector256.Create(1.0 / divisor);
            var d = Vector256.Create(divisor);
            for (; k < 256; k += 8)
            {
                var n = Vector256.Create(numerators.AsSpan(k, 8));
                var q = Vector256.Create(
                    Avx.ConvertToVector128Int32WithTruncation(Avx.ConvertToVector256Double(n.GetLower()) * inverse),
                    Avx.ConvertToVector128Int32WithTruncation(Avx.ConvertToVector256Double(n.GetUpper()) * inverse));
                var product = q * d;
                q += Vector256.GreaterThan(product, n); // adding −1 where q · d > n
                q -= Vector256.LessThanOrEqual(product + d, n); // subtracting −1 where (q + 1) · d ≤ n
                var capped = Vector256.Min(q, Vector256.Create(255));
                var shorts = Vector128.Narrow(capped.GetLower(), capped.GetUpper());
                Vector128.Narrow(shorts, shorts).AsByte().GetLower().CopyTo(lut.AsSpan(k, 8));
            }
        }
        for (; k < 256; k++) lut[k] = (byte)Math.Min(255, numerators[k] / divisor);
    }

    /// <summary>
    /// The 256-bin histogram, counted into four interleaved tables and summed, so runs of one grey level (the black
    /// background) do not chain every increment on the one before.
    /// </summary>
    static void Histogram(ReadOnlySpan<byte> image, int[] histogram)
    {
        Span<int> counts = stackalloc int[4 * 256];
        counts.Clear();
        int p = 0;
        for (; p <= image.Length - 4; p += 4)
        {
            counts[image[p]]++;
            counts[256 + image[p + 1]]++;
            counts[512 + image[p + 2]]++;
            counts[768 + image[p + 3]]++;
        }
        for (; p < image.Length; p++) counts[image[p]]++;
        for (int v = 0; v < 256; v++) histogram[v] = counts[v] + counts[256 + v] + counts[512 + v] + counts[768 + v];
    }

    static int Min(ReadOnlySpan<byte> image)
    {
        int p = 0, min = 255;
        if (Vector256.IsHardwareAccelerated && image.Length >= Vector256<byte>.Count)
        {
            var m = Vector256.Create((byte)255);
            for (; p <= image.Length - Vector256<byte>.Count; p += Vector256<byte>.Count)
                m = Vector256.Min(m, Vector256.Create(image.Slice(p)));
            for (int k = 0; k < Vector256<byte>.Count; k++) min = Math.Min(min, m[k]);
        }
        for (; p < image.Length; p++) min = Math.Min(min, image[p]);
        return min;
    }

    static int Max(ReadOnlySpan<byte> image)
    {
        int p = 0, max = 0;
        if (Vector256.IsHardwareAccelerated && image.Length >= Vector256<byte>.Count)
        {
            var m = Vector256<byte>.Zero;
            for (; p <= image.Length - Vector256<byte>.Count; p += Vector256<byte>.Count)
                m = Vector256.Max(m, Vector256.Create(image.Slice(p)));
            for (int k = 0; k < Vector256<byte>.Count; k++) max = Math.Max(max, m[k]);
        }
        for (; p < image.Length; p++) max = Math.Max(max, image[p]);
        return max;
    }

    static long Sum(ReadOnlySpan<byte> image)
    {
        int p = 0;
        long sum = 0;
        if (Vector256.IsHardwareAccelerated && image.Length >= Vector256<byte>.Count)
        {
            var total = Vector256<uint>.Zero;
            for (; p <= image.Length - Vector256<byte>.Count; p += Vector256<byte>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(image.Slice(p)));
                var (l0, l1) = Vector256.Widen(low);
                var (h0, h1) = Vector256.Widen(high);
                total += l0 + l1 + h0 + h1;
            }
            sum = (long)(Vector256.Sum(Vector256.WidenLower(total)) + Vector256.Sum(Vector256.WidenUpper(total)));
        }
        for (; p < image.Length; p++) sum += image[p];
        return sum;
    }

    /// <summary>lut[v] = <see cref="AugmentOps.Blend"/>(degenerate, v, factor) for every grey level, four at a time.</summary>
    static void BlendLut(int degenerate, double factor, byte[] lut)
    {
        var d = Vector256.Create((double)degenerate);
        var f = Vector256.Create(factor);
        var step = Vector256.Create(8.0);
        var v = Vector256.Create(0.0, 1, 2, 3);
        var w = Vector256.Create(4.0, 5, 6, 7);
        for (int level = 0; level < 256; level += 8, v += step, w += step)
        {
            // Eight levels in [0, 255]: narrowed to bytes, the low eight of the sixteen stored.
            var blended = Vector128.Narrow(Blend(d, v, f), Blend(d, w, f));
            Vector128.Narrow(blended, blended).AsByte().GetLower().CopyTo(lut.AsSpan(level, 8));
        }
    }

    /// <summary>
    /// <see cref="AugmentOps.Blend"/> on four lanes: d + f·(p − d), rounded half away from zero the way
    /// <c>Math.Round(x, MidpointRounding.AwayFromZero)</c> does (truncate x + copysign(0.5 − 2⁻⁵⁴, x)), clipped to [0, 255].
    /// </summary>
    static Vector128<int> Blend(Vector256<double> degenerate, Vector256<double> pixel, Vector256<double> factor)
    {
        var x = degenerate + factor * (pixel - degenerate);
        var rounded = Vector256.Truncate(x + Vector256.CopySign(Vector256.Create(BelowHalf), x));
        var clipped = Vector256.Min(Vector256.Max(rounded, Vector256<double>.Zero), Vector256.Create(255.0));
        return Avx.IsSupported
            ? Avx.ConvertToVector128Int32WithTruncation(clipped)
            : Vector128.Create((int)clipped[0], (int)clipped[1], (int)clipped[2], (int)clipped[3]);
    }

    const double BelowHalf = 0.49999999999999994;

    /// <summary>
    /// PIL's Sharpness: every inner pixel blended with its SMOOTH-filtered value ([[1,1,1],[1,5,1],[1,1,1]] / 13,
    /// rounded), border pixels kept. The smoothed values are integers; the blend runs four pixels at a time.
    /// </summary>
    static void Sharpen(ReadOnlySpan<byte> image, Span<byte> output, int height, int width, double factor, int[] smooth,
        int[] pixels)
    {
        if (Avx2.IsSupported && width >= 18 && height >= 3)
        {
            SharpenFused(image, output, height, width, factor);
            return;
        }
        for (int p = 0; p < image.Length; p++) smooth[p] = pixels[p] = image[p];
        for (int y = 1; y < height - 1; y++)
        {
            int x = 1;
            if (Avx2.IsSupported && width >= 18)
            {
                // 16 inner pixels at a time as 16-bit sums; the last block overlaps the one before it (same values).
                for (int x0 = 1; x0 < width - 1; x0 = Math.Min(x0 + 16, width - 17))
                {
                    var sum = Vector256.Create((ushort)6) + Widen(image, (y * width) + x0) * (ushort)4;
                    foreach (int r in (ReadOnlySpan<int>)[(y - 1) * width + x0, y * width + x0, (y + 1) * width + x0])
                        sum += Widen(image, r - 1) + Widen(image, r) + Widen(image, r + 1);
                    var quotient = Avx2.MultiplyHigh(sum, Vector256.Create((ushort)5042)); // ⌊n / 13⌋ for n ≤ 3,321
                    var (low, high) = Vector256.Widen(quotient);
                    low.AsInt32().CopyTo(smooth.AsSpan(y * width + x0));
                    high.AsInt32().CopyTo(smooth.AsSpan(y * width + x0 + 8));
                    if (x0 == width - 17) break;
                }
                x = width - 1;
            }
            for (; x < width - 1; x++)
            {
                int o = y * width + x, up = o - width, down = o + width;
                int sum = image[up - 1] + image[up] + image[up + 1] + image[o - 1] + 5 * image[o] + image[o + 1]
                    + image[down - 1] + image[down] + image[down + 1];
                smooth[o] = (sum + 6) / 13;
            }
        }
        int i = 0;
        if (Avx.IsSupported)
        {
            var f = Vector256.Create(factor);
            for (; i <= image.Length - 4; i += 4)
            {
                var v = Avx.ConvertToVector256Double(Vector128.Create((ReadOnlySpan<int>)pixels.AsSpan(i, 4)));
                var d = Avx.ConvertToVector256Double(Vector128.Create((ReadOnlySpan<int>)smooth.AsSpan(i, 4)));
                Blend(d, v, f).CopyTo(smooth.AsSpan(i, 4));
            }
            for (int p = 0; p < i; p++) output[p] = (byte)smooth[p];
        }
        for (; i < image.Length; i++) output[i] = AugmentOps.Blend(smooth[i], image[i], factor);
    }

    /// <summary>
    /// <see cref="Sharpen"/> in one pass, 16 inner pixels at a time (the last block of a row overlaps the one before it
    /// and writes the same values): the window sum in 16-bit lanes, ⌊(sum + 6) / 13⌋ by multiply-high, then the blend of
    /// smoothed value and pixel in four groups of four doubles (the same expression as the reference), narrowed to
    /// bytes. The border rows and columns are copied (a blend of a pixel with itself is the pixel).
    /// </summary>
    static void SharpenFused(ReadOnlySpan<byte> image, Span<byte> output, int height, int width, double factor)
    {
        image.Slice(0, width).CopyTo(output);
        image.Slice((height - 1) * width, width).CopyTo(output.Slice((height - 1) * width));
        var f = Vector256.Create(factor);
        var thirteenth = Vector256.Create((ushort)5042); // ⌊n / 13⌋ = (n · 5042) >> 16 for n ≤ 3,321
        for (int y = 1; y < height - 1; y++)
        {
            int o = y * width;
            output[o] = image[o];
            output[o + width - 1] = image[o + width - 1];
            for (int x0 = 1; x0 < width - 1; x0 = Math.Min(x0 + 16, width - 17))
            {
                var centre = Widen(image, o + x0);
                var sum = Vector256.Create((ushort)6) + centre * (ushort)4;
                foreach (int r in (ReadOnlySpan<int>)[o - width + x0, o + x0, o + width + x0])
                    sum += Widen(image, r - 1) + Widen(image, r) + Widen(image, r + 1);
                var smooth = Avx2.MultiplyHigh(sum, thirteenth);
                var (s0, s1) = Vector256.Widen(smooth);
                var (p0, p1) = Vector256.Widen(centre);
                var b0 = Blend(Avx.ConvertToVector256Double(s0.AsInt32().GetLower()),
                    Avx.ConvertToVector256Double(p0.AsInt32().GetLower()), f);
                var b1 = Blend(Avx.ConvertToVector256Double(s0.AsInt32().GetUpper()),
                    Avx.ConvertToVector256Double(p0.AsInt32().GetUpper()), f);
                var b2 = Blend(Avx.ConvertToVector256Double(s1.AsInt32().GetLower()),
                    Avx.ConvertToVector256Double(p1.AsInt32().GetLower()), f);
                var b3 = Blend(Avx.ConvertToVector256Double(s1.AsInt32().GetUpper()),
                    Avx.ConvertToVector256Double(p1.AsInt32().GetUpper()), f);
                // Values are in [0, 255]: the narrowing keeps them.
                Vector128.Narrow(Vector128.Narrow(b0, b1), Vector128.Narrow(b2, b3)).AsByte().CopyTo(output.Slice(o + x0, 16));
                if (x0 == width - 17) break;
            }
        }
    }

    /// <summary>columns[x] = ⌊columnX[x] + rowX⌋ where inside [0, width), else width (the zero after the row).</summary>
    static void FloorColumns(double[] columnX, double rowX, int width, int[] columns)
    {
        int x = 0;
        if (Avx.IsSupported)
        {
            var rx = Vector256.Create(rowX);
            var w = Vector128.Create(width);
            for (; x <= width - 4; x += 4)
            {
                var ix = Avx.ConvertToVector128Int32WithTruncation(Vector256.Floor(Vector256.Create(columnX.AsSpan(x)) + rx));
                var inside = Vector128.GreaterThanOrEqual(ix, Vector128<int>.Zero) & Vector128.LessThan(ix, w);
                Vector128.ConditionalSelect(inside, ix, w).CopyTo(columns.AsSpan(x));
            }
        }
        for (; x < width; x++)
        {
            int ix = (int)Math.Floor(columnX[x] + rowX);
            columns[x] = (uint)ix < (uint)width ? ix : width;
        }
    }

    /// <summary>
    /// The byte permutation of <see cref="PermuteRow"/> for one warped row: control[x] = ⌊columnX[x] + rowX⌋ where inside
    /// [0, width), else 0x80 (a zero); <paramref name="columnX"/> holds 32 entries, NaN past the width.
    /// </summary>
    static void FloorControl(double[] columnX, double rowX, int width, byte[] control)
    {
        var rx = Vector256.Create(rowX);
        var w = Vector256.Create(width);
        var zero = Vector256.Create(0x80);
        for (int x = 0; x < 32; x += 8)
        {
            var ix = Vector256.Create(
                Avx.ConvertToVector128Int32WithTruncation(Vector256.Floor(Vector256.Create(columnX.AsSpan(x)) + rx)),
                Avx.ConvertToVector128Int32WithTruncation(Vector256.Floor(Vector256.Create(columnX.AsSpan(x + 4)) + rx)));
            var inside = Vector256.GreaterThanOrEqual(ix, Vector256<int>.Zero) & Vector256.LessThan(ix, w);
            var selected = Vector256.ConditionalSelect(inside, ix, zero);
            var shorts = Vector128.Narrow(selected.GetLower(), selected.GetUpper());
            Vector128.Narrow(shorts, shorts).AsByte().GetLower().CopyTo(control.AsSpan(x, 8));
        }
    }

    /// <summary>16 bytes from <paramref name="start"/>, zero-extended to 16-bit lanes.</summary>
    static Vector256<ushort> Widen(ReadOnlySpan<byte> image, int start) =>
        Avx2.ConvertToVector256Int16(Vector128.Create(image.Slice(start, 16))).AsUInt16();

    /// <summary>
    /// Nearest-pixel inverse mapping, four destination pixels at a time: source (⌊A·u + (B·v + Cx)⌋, ⌊D·u + (E·v + Cy)⌋)
    /// in double precision, exactly the reference's expression; pixels outside the image read the zero byte kept after
    /// the image in <paramref name="image"/>. Rows whose source row is constant and at most 32 bytes wide are one byte
    /// permutation each (<see cref="PermuteRow"/>). The result goes to the start of <paramref name="buffer"/>, which holds
    /// 32 bytes more than the image.
    /// </summary>
    static void Warp(byte[] image, byte[] buffer, int height, int width, AugmentStep step, Scratch scratch)
    {
        var output = buffer.AsSpan(0, height * width);
        var (a, b, cx, d, e, cy) = AugmentOps.InverseAffine(step, height, width);
        var columnX = scratch.ColumnX;
        var columnY = scratch.ColumnY;
        for (int x = 0; x < width; x++)
        {
            double u = x + 0.5 - width / 2.0;
            columnX[x] = a * u;
            columnY[x] = d * u;
        }
        int size = height * width;
        if (d == 0)
        {
            // Translations and ShearX: the source row is ⌊±0 + (E·v + Cy)⌋ = ⌊E·v + Cy⌋ for the whole row, so each output
            // row reads one source row through a column table, computed once when B = 0 (then B·v + Cx = Cx on every row).
            var columns = scratch.ColumnIndex;
            var row = scratch.Row;
            row[width] = 0;
            bool ready = false;
            for (int y = 0; y < height; y++)
            {
                double v = y + 0.5 - height / 2.0;
                double rowX = b * v + cx, rowY = e * v + cy;
                int iy = (int)Math.Floor(rowY);
                var target = output.Slice(y * width, width);
                if ((uint)iy >= (uint)height)
                {
                    target.Clear();
                    continue;
                }
                bool permute = Avx2.IsSupported && width <= 32;
                if (!ready || b != 0)
                {
                    if (permute) FloorControl(columnX, rowX, width, scratch.Control);
                    else FloorColumns(columnX, rowX, width, columns);
                }
                ready = true;
                if (permute)
                {
                    // Stores 32 bytes: the spill-over into the next row is overwritten by it (or lands in the padding).
                    PermuteRow(image, iy * width, width, Vector256.Create(scratch.Control), scratch.Padded)
                        .CopyTo(buffer.AsSpan(y * width));
                    continue;
                }
                image.AsSpan(iy * width, width).CopyTo(row);
                for (int x = 0; x < width; x++) target[x] = row[columns[x]];
            }
            return;
        }
        var index = scratch.Index;
        for (int y = 0; y < height; y++)
        {
            double v = y + 0.5 - height / 2.0;
            double rowX = b * v + cx, rowY = e * v + cy;
            int x = 0, o = y * width;
            if (Avx.IsSupported)
            {
                var rx = Vector256.Create(rowX);
                var ry = Vector256.Create(rowY);
                var w = Vector128.Create(width);
                var h = Vector128.Create(height);
                var outside = Vector128.Create(size);
                for (; x <= width - 4; x += 4)
                {
                    var ix = Avx.ConvertToVector128Int32WithTruncation(Vector256.Floor(Vector256.Create(columnX.AsSpan(x)) + rx));
                    var iy = Avx.ConvertToVector128Int32WithTruncation(Vector256.Floor(Vector256.Create(columnY.AsSpan(x)) + ry));
                    var inside = Vector128.GreaterThanOrEqual(ix, Vector128<int>.Zero) & Vector128.LessThan(ix, w)
                        & Vector128.GreaterThanOrEqual(iy, Vector128<int>.Zero) & Vector128.LessThan(iy, h);
                    Vector128.ConditionalSelect(inside, iy * w + ix, outside).CopyTo(index.AsSpan(o + x));
                }
            }
            for (; x < width; x++)
            {
                int ix = (int)Math.Floor(columnX[x] + rowX), iy = (int)Math.Floor(columnY[x] + rowY);
                index[o + x] = (uint)ix < (uint)width && (uint)iy < (uint)height ? iy * width + ix : size;
            }
        }
        image[size] = 0;
        ref byte source = ref MemoryMarshal.GetArrayDataReference(image);
        for (int p = 0; p < size; p++) output[p] = Unsafe.Add(ref source, index[p]);
    }
}

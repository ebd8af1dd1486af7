namespace Workbench.Kernels.Augment;

/// <summary>
/// The plain per-image augmentation every fast path is tested against: one image at a time, a fresh array per
/// operation, every pixel computed from its definition (PIL's rules for the point operations and enhancements,
/// nearest-pixel inverse mapping for the geometric ones). Images are height × width bytes, row-major.
/// </summary>
public static class AugmentReference
{
    /// <summary>Applies a whole plan: flip, shift, the RandAugment steps in order, Cutout.</summary>
    public static byte[] Apply(byte[] image, int height, int width, AugmentPlan plan)
    {
        var current = plan.Flip ? FlipHorizontal(image, height, width) : (byte[])image.Clone();
        current = Shift(current, height, width, plan.ShiftX, plan.ShiftY);
        foreach (var step in plan.Steps) current = Apply(current, height, width, step);
        return plan.CutoutSide > 0 ? Cutout(current, height, width, plan.CutoutX, plan.CutoutY, plan.CutoutSide) : current;
    }

    /// <summary>Mirrors the image left–right.</summary>
    public static byte[] FlipHorizontal(byte[] image, int height, int width)
    {
        var output = new byte[image.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) output[y * width + x] = image[y * width + (width - 1 - x)];
        return output;
    }

    /// <summary>Moves the content by (dx, dy) pixels, filling the gap by reflection (no edge repeat).</summary>
    public static byte[] Shift(byte[] image, int height, int width, int dx, int dy)
    {
        var output = new byte[image.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                output[y * width + x] = image[AugmentOps.Reflect(y - dy, height) * width + AugmentOps.Reflect(x - dx, width)];
        return output;
    }

    /// <summary>Fills a square of <paramref name="side"/> pixels centred at (x, y), clipped at the borders, with grey 127.</summary>
    public static byte[] Cutout(byte[] image, int height, int width, int x, int y, int side)
    {
        var output = (byte[])image.Clone();
        int x0 = x - side / 2, y0 = y - side / 2;
        for (int r = Math.Max(0, y0); r < Math.Min(height, y0 + side); r++)
            for (int c = Math.Max(0, x0); c < Math.Min(width, x0 + side); c++) output[r * width + c] = AugmentPlan.CutoutFill;
        return output;
    }

    /// <summary>Applies one RandAugment operation.</summary>
    public static byte[] Apply(byte[] image, int height, int width, AugmentStep step)
    {
        var output = new byte[image.Length];
        switch (step.Op)
        {
            case AugmentOp.Identity or AugmentOp.Color:
                image.CopyTo(output, 0);
                break;
            case AugmentOp.AutoContrast:
            {
                int lo = 255, hi = 0;
                foreach (var v in image) (lo, hi) = (Math.Min(lo, v), Math.Max(hi, v));
                for (int i = 0; i < image.Length; i++)
                {
                    if (hi <= lo) { output[i] = image[i]; continue; }
                    double scale = 255.0 / (hi - lo), offset = -lo * scale;
                    output[i] = (byte)Math.Clamp((int)(image[i] * scale + offset), 0, 255);
                }
                break;
            }
            case AugmentOp.Equalize:
            {
                // PIL ImageOps.equalize: step = (pixels − count of the last occupied level) // 255; level i maps to
                // (step // 2 + pixels below i) // step.
                var histogram = new int[256];
                foreach (var v in image) histogram[v]++;
                int last = 255;
                while (last > 0 && histogram[last] == 0) last--;
                int occupied = histogram.Count(h => h > 0);
                int stepSize = (image.Length - histogram[last]) / 255;
                var lut = new int[256];
                for (int level = 0, below = 0; level < 256; below += histogram[level], level++)
                    lut[level] = occupied <= 1 || stepSize == 0 ? level : Math.Min(255, (stepSize / 2 + below) / stepSize);
                for (int i = 0; i < image.Length; i++) output[i] = (byte)lut[image[i]];
                break;
            }
            case AugmentOp.Solarize:
                for (int i = 0; i < image.Length; i++) output[i] = (byte)(image[i] < step.Value ? image[i] : 255 - image[i]);
                break;
            case AugmentOp.Posterize:
            {
                int bits = (int)step.Value;
                for (int i = 0; i < image.Length; i++) output[i] = (byte)(image[i] & ~((1 << (8 - bits)) - 1) & 0xFF);
                break;
            }
            case AugmentOp.Contrast:
            {
                double sum = 0;
                foreach (var v in image) sum += v;
                int mean = (int)(sum / image.Length + 0.5);
                for (int i = 0; i < image.Length; i++) output[i] = AugmentOps.Blend(mean, image[i], step.Value);
                break;
            }
            case AugmentOp.Brightness:
                for (int i = 0; i < image.Length; i++) output[i] = AugmentOps.Blend(0, image[i], step.Value);
                break;
            case AugmentOp.Sharpness:
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        int v = image[y * width + x];
                        int smooth = v;
                        if (y > 0 && y < height - 1 && x > 0 && x < width - 1)
                        {
                            // PIL's SMOOTH filter [[1,1,1],[1,5,1],[1,1,1]] / 13, rounded; border pixels are kept.
                            int sum = 0;
                            for (int dy = -1; dy <= 1; dy++)
                                for (int dx = -1; dx <= 1; dx++) sum += image[(y + dy) * width + x + dx] * (dx == 0 && dy == 0 ? 5 : 1);
                            smooth = (sum + 6) / 13;
                        }
                        output[y * width + x] = AugmentOps.Blend(smooth, v, step.Value);
                    }
                break;
            default:
            {
                var (a, b, cx, d, e, cy) = AugmentOps.InverseAffine(step, height, width);
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        double u = x + 0.5 - width / 2.0, v = y + 0.5 - height / 2.0;
                        double sx = a * u + (b * v + cx), sy = d * u + (e * v + cy);
                        int ix = (int)Math.Floor(sx), iy = (int)Math.Floor(sy);
                        output[y * width + x] = ix >= 0 && ix < width && iy >= 0 && iy < height ? image[iy * width + ix] : (byte)0;
                    }
                break;
            }
        }
        return output;
    }
}

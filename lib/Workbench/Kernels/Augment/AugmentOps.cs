namespace Workbench.Kernels.Augment;

/// <summary>
/// The value ranges of the RandAugment operations (FixMatch, Sohn et al. 2020, Table 12, as reported) and how a
/// magnitude in [0, 1] maps onto them: linearly from the low to the high end, so a symmetric range such as rotation's
/// [−30°, 30°] also draws the sign. Posterize's bits are 4 + ⌊5m⌋ capped at 8.
/// </summary>
public static class AugmentOps
{
    /// <summary>Every operation, in declaration order (the RandAugment pool).</summary>
    public static IReadOnlyList<AugmentOp> All { get; } = Enum.GetValues<AugmentOp>();

    /// <summary>The (low, high) value range of an operation; (0, 0) for those without a value.</summary>
    public static (double Low, double High) Range(AugmentOp op) => op switch
    {
        AugmentOp.Rotate => (-30, 30),
        AugmentOp.Solarize => (0, 256),
        AugmentOp.Posterize => (4, 8),
        AugmentOp.Color or AugmentOp.Contrast or AugmentOp.Brightness or AugmentOp.Sharpness => (0.05, 0.95),
        AugmentOp.ShearX or AugmentOp.ShearY or AugmentOp.TranslateX or AugmentOp.TranslateY => (-0.3, 0.3),
        _ => (0, 0),
    };

    /// <summary>The value of <paramref name="op"/> at magnitude <paramref name="magnitude"/> in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">The magnitude is outside [0, 1].</exception>
    public static double ValueAt(AugmentOp op, double magnitude)
    {
        if (!(magnitude >= 0 && magnitude <= 1))
            throw new ArgumentOutOfRangeException(nameof(magnitude), $"The magnitude {magnitude} is outside [0, 1].");
        if (op == AugmentOp.Posterize) return Math.Min(8, 4 + Math.Floor(5 * magnitude));
        var (low, high) = Range(op);
        return low + magnitude * (high - low);
    }

    /// <summary>
    /// The inverse affine map of a geometric operation: a destination pixel centre (x + ½, y + ½), taken relative to the
    /// image centre as (u, v), is read from source position (A·u + (B·v + Cx), D·u + (E·v + Cy)), floored to a pixel.
    /// Both the reference and the batched kernel evaluate exactly this expression, in this order.
    /// </summary>
    public static (double A, double B, double Cx, double D, double E, double Cy) InverseAffine(AugmentStep step, int height,
        int width)
    {
        double cx = width / 2.0, cy = height / 2.0;
        switch (step.Op)
        {
            case AugmentOp.Rotate:
                // Positive angles turn the content counter-clockwise on screen (PIL's convention, y pointing down).
                double t = step.Value * Math.PI / 180, c = Math.Cos(t), s = Math.Sin(t);
                return (c, -s, cx, s, c, cy);
            case AugmentOp.ShearX: return (1, step.Value, cx, 0, 1, cy);
            case AugmentOp.ShearY: return (1, 0, cx, step.Value, 1, cy);
            case AugmentOp.TranslateX: return (1, 0, cx - step.Value * width, 0, 1, cy);
            case AugmentOp.TranslateY: return (1, 0, cx, 0, 1, cy - step.Value * height);
            default: throw new ArgumentException($"{step.Op} is not a geometric operation.");
        }
    }

    /// <summary>True for the operations that move pixels (rotate, shear, translate).</summary>
    public static bool IsGeometric(AugmentOp op) =>
        op is AugmentOp.Rotate or AugmentOp.ShearX or AugmentOp.ShearY or AugmentOp.TranslateX or AugmentOp.TranslateY;

    /// <summary>
    /// A blend of a degenerate grey level <paramref name="degenerate"/> and the pixel <paramref name="pixel"/> by
    /// <paramref name="factor"/> (PIL's <c>Image.blend(degenerate, image, factor)</c>), rounded half away from zero and
    /// clipped to [0, 255].
    /// </summary>
    public static byte Blend(int degenerate, int pixel, double factor) =>
        (byte)Math.Clamp(Math.Round(degenerate + factor * (pixel - degenerate), MidpointRounding.AwayFromZero), 0, 255);

    /// <summary>Index reflected into [0, n) without repeating the edge (numpy's and PyTorch's "reflect" padding).</summary>
    public static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - i;
    }
}

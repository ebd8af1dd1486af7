using System.Runtime.Intrinsics;

namespace Workbench.Kernels.RangeImage;

/// <summary>
/// Eight-lane approximations of atan2 and asin for the spherical projection's fast path (Cephes' <c>atanf</c> and
/// <c>asinf</c> minimax polynomials, single precision). They are not exact: the projection uses them only to find the
/// pixel, and recomputes a point with <see cref="MathF.Atan2"/> / <see cref="MathF.Asin"/> whenever its approximate
/// column or row lies within <see cref="PixelMargin"/> of a pixel edge, so the indices equal the reference's.
/// </summary>
internal static class ProjectionAngles
{
    /// <summary>
    /// Bound on |approximation − exact angle| in radians that the margins assume (tested: the polynomials stay below a
    /// quarter of it over their whole domain; the rest covers <see cref="MathF"/>'s own error of about one ulp).
    /// </summary>
    public const float AngleError = 2e-6f;

    /// <summary>
    /// Margin, in pixels, around every pixel edge of an axis with <paramref name="pixelsPerRadian"/> and
    /// <paramref name="size"/> pixels: the angle error mapped to pixels, twice, plus the single-precision rounding of
    /// the reference's arithmetic (a few ulps of the largest intermediate, ≤ size).
    /// </summary>
    public static float PixelMargin(double pixelsPerRadian, int size) =>
        (float)(2 * AngleError * pixelsPerRadian + 8.0 * size / (1 << 23));

    /// <summary>atan2(y, x) per lane, |error| ≤ <see cref="AngleError"/> / 4; NaN where x = y = 0.</summary>
    public static Vector256<float> Atan2(Vector256<float> y, Vector256<float> x)
    {
        var ax = Vector256.Abs(x);
        var ay = Vector256.Abs(y);
        var swap = Vector256.GreaterThan(ay, ax);
        var a = Vector256.Min(ax, ay) / Vector256.Max(ax, ay); // [0, 1]
        // Reduce to [−tan(π/8), tan(π/8)]: atan(a) = π/4 + atan((a − 1)/(a + 1)) above tan(π/8).
        var upper = Vector256.GreaterThan(a, Vector256.Create(0.414213562373095f));
        var t = Vector256.ConditionalSelect(upper, (a - Vector256<float>.One) / (a + Vector256<float>.One), a);
        var z = t * t;
        var p = (((Vector256.Create(8.05374449538e-2f) * z - Vector256.Create(1.38776856032e-1f)) * z
            + Vector256.Create(1.99777106478e-1f)) * z - Vector256.Create(3.33329491539e-1f)) * z * t + t;
        var angle = Vector256.ConditionalSelect(upper, Vector256.Create(MathF.PI / 4) + p, p);
        angle = Vector256.ConditionalSelect(swap, Vector256.Create(MathF.PI / 2) - angle, angle);
        angle = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256.Create(MathF.PI) - angle, angle);
        return Vector256.CopySign(angle, y);
    }

    /// <summary>asin(t) per lane for t in [−1, 1], |error| ≤ <see cref="AngleError"/> / 4; NaN outside.</summary>
    public static Vector256<float> Asin(Vector256<float> t)
    {
        var a = Vector256.Abs(t);
        var large = Vector256.GreaterThan(a, Vector256.Create(0.5f));
        // Above ½: asin(a) = π/2 − 2 asin(√((1 − a)/2)).
        var zLarge = Vector256.Create(0.5f) * (Vector256<float>.One - a);
        var s = Vector256.Sqrt(zLarge);
        var z = Vector256.ConditionalSelect(large, zLarge, a * a);
        var x = Vector256.ConditionalSelect(large, s, a);
        var p = ((((Vector256.Create(4.2163199048e-2f) * z + Vector256.Create(2.4181311049e-2f)) * z
            + Vector256.Create(4.5470025998e-2f)) * z + Vector256.Create(7.4953002686e-2f)) * z
            + Vector256.Create(1.6666752422e-1f)) * z * x + x;
        var angle = Vector256.ConditionalSelect(large, Vector256.Create(MathF.PI / 2) - (p + p), p);
        return Vector256.CopySign(angle, t);
    }
}

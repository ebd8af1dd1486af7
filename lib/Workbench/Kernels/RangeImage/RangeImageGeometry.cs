using System.Globalization;

namespace Workbench.Kernels.RangeImage;

/// <summary>
/// The size and vertical field of view of a spherical range image (lidar-bonnetal <c>LaserScan(H, W, fov_up,
/// fov_down)</c>; SemanticKITTI's HDL-64: 64 × 2048, +3° / −25°).
/// </summary>
/// <param name="Height">Rows (one per beam for an evenly spaced sensor), ≥ 1.</param>
/// <param name="Width">Columns (azimuth bins over 360°), ≥ 1.</param>
/// <param name="FovUpDegrees">Elevation of the top edge of the image, degrees (HDL-64: 3).</param>
/// <param name="FovDownDegrees">Elevation of the bottom edge, degrees, below <paramref name="FovUpDegrees"/> (HDL-64: −25).</param>
public readonly record struct RangeImageGeometry(int Height, int Width, double FovUpDegrees, double FovDownDegrees)
{
    /// <summary>Pixels in the image, <c>Height × Width</c>.</summary>
    public int Pixels => Height * Width;

    /// <summary>
    /// The total vertical field of view in radians as the reference computes it: <c>|fov_down| + |fov_up|</c>. That is
    /// the true span only when fov_up ≥ 0 ≥ fov_down (true of every sensor lidar-bonnetal ships); kept as written.
    /// </summary>
    public double FovRadians => (Math.Abs(FovDownDegrees) + Math.Abs(FovUpDegrees)) * Math.PI / 180.0;

    /// <summary>Throws one sentence when the image is empty or the field of view is upside down or empty.</summary>
    /// <exception cref="ArgumentException">Height or width below 1, or fov_up ≤ fov_down, or a non-finite angle.</exception>
    public void Validate()
    {
        if (Height < 1) throw new ArgumentException(Invariant($"Range image height = {Height} is not allowed: it must be at least 1 row."));
        if (Width < 1) throw new ArgumentException(Invariant($"Range image width = {Width} is not allowed: it must be at least 1 column."));
        if (!double.IsFinite(FovUpDegrees) || !double.IsFinite(FovDownDegrees) || FovUpDegrees <= FovDownDegrees)
            throw new ArgumentException(Invariant(
                $"fov_up = {FovUpDegrees}° must be above fov_down = {FovDownDegrees}° (e.g. +3° and −25° for an HDL-64)."));
        if (FovRadians <= 0)
            throw new ArgumentException(Invariant($"fov_up = {FovUpDegrees}° and fov_down = {FovDownDegrees}° ")
                + Invariant($"give an empty field of view."));
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

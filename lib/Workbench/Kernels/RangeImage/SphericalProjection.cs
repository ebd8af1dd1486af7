namespace Workbench.Kernels.RangeImage;

/// <summary>
/// Spherical projection of a point cloud to a range image, exactly as lidar-bonnetal's
/// <c>train/common/laserscan.py</c>, <c>LaserScan.do_range_projection</c> (RangeNet++, Milioto et al., IROS 2019, Eq. 1):
/// <code>
/// r = √(x² + y² + z²),  yaw = −atan2(y, x),  pitch = asin(z / r)
/// u = ½ (yaw / π + 1) · W,   v = (1 − (pitch + |fov_down|) / fov) · H,   fov = |fov_down| + |fov_up|
/// column = clamp(floor(u), 0, W − 1),   row = clamp(floor(v), 0, H − 1)
/// </code>
/// Points are written in decreasing range, so the nearest point of each pixel wins (ties: the lowest point index
/// wins; numpy's unstable argsort leaves ties unspecified). Like the reference, arithmetic is in single precision, so a
/// point exactly on a pixel edge may differ by one ulp from numpy. Points outside the field of view are clamped to
/// the top or bottom row, as in the reference. A point at the origin (r = 0) has no angle (numpy gives an undefined
/// index); it goes to row 0 here. Columns wrap: yaw = −π (points behind, y = 0⁺) is column 0, yaw → +π column W − 1.
/// </summary>
public static class SphericalProjection
{
    /// <summary>
    /// The fast path: angles in parallel over points, then one pass in point order that keeps the nearest point per
    /// pixel (O(n), no sort). Inputs are the point coordinates (metres) and remissions, all of one length n.
    /// </summary>
    /// <exception cref="ArgumentException">Bad geometry (one sentence) or inputs of different lengths.</exception>
    public static RangeProjection Project(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z,
        ReadOnlySpan<float> remission, RangeImageGeometry geometry, ProjectionMask mask = ProjectionMask.IndexAtLeastZero)
    {
        geometry.Validate();
        CheckLengths(x.Length, y.Length, z.Length, remission.Length);
        int n = x.Length;
        var result = new RangeProjection(geometry.Height, geometry.Width, n, mask);
        float[] xs = x.ToArray(), ys = y.ToArray(), zs = z.ToArray();
        var fov = Fov.Of(geometry);
        var rows = result.PointRow;
        var columns = result.PointColumn;
        var ranges = result.PointRange;
        Parallel.For(0, (n + 4095) / 4096, chunk =>
        {
            int end = Math.Min(n, (chunk + 1) * 4096);
            for (int i = chunk * 4096; i < end; i++)
            {
                float r = Range(xs[i], ys[i], zs[i]);
                ranges[i] = r;
                columns[i] = Column(xs[i], ys[i], geometry.Width);
                rows[i] = Row(zs[i], r, fov, geometry.Height);
            }
        });
        for (int i = 0; i < n; i++) Write(result, i, rows[i] * geometry.Width + columns[i], x, y, z, remission);
        return result;
    }

    /// <summary>
    /// The plain reference: the same steps in the reference's order (angles, then a sort by decreasing range, then
    /// writes in that order so nearer points overwrite farther ones).
    /// </summary>
    public static RangeProjection ProjectReference(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z,
        ReadOnlySpan<float> remission, RangeImageGeometry geometry, ProjectionMask mask = ProjectionMask.IndexAtLeastZero)
    {
        geometry.Validate();
        CheckLengths(x.Length, y.Length, z.Length, remission.Length);
        int n = x.Length;
        var result = new RangeProjection(geometry.Height, geometry.Width, n, mask);
        var fov = Fov.Of(geometry);
        for (int i = 0; i < n; i++)
        {
            float r = Range(x[i], y[i], z[i]);
            result.PointRange[i] = r;
            result.PointColumn[i] = Column(x[i], y[i], geometry.Width);
            result.PointRow[i] = Row(z[i], r, fov, geometry.Height);
        }
        // order = argsort(depth)[::-1]; ties: higher index first, so the lowest index is written last and wins.
        var order = Enumerable.Range(0, n).ToArray();
        var depth = result.PointRange;
        Array.Sort(order, (a, b) => depth[a] != depth[b] ? depth[b].CompareTo(depth[a]) : b.CompareTo(a));
        foreach (int i in order)
        {
            int p = result.PointRow[i] * geometry.Width + result.PointColumn[i];
            result.Range[p] = depth[i];
            result.X[p] = x[i];
            result.Y[p] = y[i];
            result.Z[p] = z[i];
            result.Remission[p] = remission[i];
            result.Index[p] = i;
        }
        return result;
    }

    internal readonly record struct Fov(float DownAbs, float Total)
    {
        public static Fov Of(RangeImageGeometry g) =>
            new((float)(Math.Abs(g.FovDownDegrees) / 180.0 * Math.PI), (float)g.FovRadians);
    }

    internal static float Range(float x, float y, float z) => MathF.Sqrt(x * x + y * y + z * z);

    /// <summary>Column of a point: clamp(floor(½(−atan2(y, x)/π + 1)·W), 0, W − 1).</summary>
    internal static int Column(float x, float y, int width)
    {
        float yaw = -MathF.Atan2(y, x);
        float u = 0.5f * (yaw / MathF.PI + 1.0f) * width;
        return Clamp(u, width);
    }

    static int Row(float z, float r, Fov fov, int height)
    {
        float pitch = MathF.Asin(z / r);
        float v = (1.0f - (pitch + fov.DownAbs) / fov.Total) * height;
        return Clamp(v, height);
    }

    static int Clamp(float value, int size)
    {
        if (float.IsNaN(value)) return 0;
        float f = MathF.Floor(value);
        return f >= size - 1 ? size - 1 : f <= 0 ? 0 : (int)f;
    }

    /// <summary>Keeps point i in pixel p when the pixel is empty or the point is strictly nearer (so ties keep the lower index).</summary>
    internal static void Write(RangeProjection result, int i, int p, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> z, ReadOnlySpan<float> remission)
    {
        float r = result.PointRange[i];
        if (result.Index[p] >= 0 && !(r < result.Range[p])) return;
        result.Range[p] = r;
        result.X[p] = x[i];
        result.Y[p] = y[i];
        result.Z[p] = z[i];
        result.Remission[p] = remission[i];
        result.Index[p] = i;
    }

    internal static void CheckLengths(int x, int y, int z, int remission)
    {
        if (y != x || z != x || remission != x)
            throw new ArgumentException($"x, y, z and remission must have one length each; got {x}, {y}, {z} and {remission}.");
    }
}

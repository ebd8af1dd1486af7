using System.Runtime.Intrinsics;

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
    /// The fast path, exact (equal to <see cref="ProjectReference"/>): ranges, columns and rows eight points at a time
    /// with polynomial atan2 / asin (<see cref="ProjectionAngles"/>); a point whose approximate column or row lies
    /// within a rounding margin of a pixel edge (about 0.2 % of points), or has no angle, is recomputed with the
    /// reference's <see cref="MathF.Atan2"/> / <see cref="MathF.Asin"/>, so every index is the reference's. Then one
    /// pass in point order keeps the nearest point per pixel (O(n), no sort). Scans of at least
    /// <see cref="ParallelPoints"/> points compute the angles in parallel chunks; smaller ones on the calling thread
    /// (on two cores the hand-off cost more CPU time than it saved at 32 × 512). Inputs are the point coordinates
    /// (metres) and remissions, all of one length n.
    /// </summary>
    /// <exception cref="ArgumentException">Bad geometry (one sentence) or inputs of different lengths.</exception>
    public static RangeProjection Project(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z,
        ReadOnlySpan<float> remission, RangeImageGeometry geometry, ProjectionMask mask = ProjectionMask.IndexAtLeastZero)
    {
        geometry.Validate();
        CheckLengths(x.Length, y.Length, z.Length, remission.Length);
        var result = new RangeProjection(geometry.Height, geometry.Width, x.Length, mask);
        Fill(x, y, z, remission, geometry, result);
        return result;
    }

    /// <summary>
    /// The fast path into a projection the caller keeps (<see cref="RangeProjection.RangeProjection()"/> or an earlier
    /// scan's): the same result as the allocating overload, bit for bit, without allocating once
    /// <paramref name="destination"/> has held a scan of this size and at least n points (scans of at least
    /// <see cref="ParallelPoints"/> points copy their coordinates into pooled arrays for the parallel chunks).
    /// </summary>
    /// <exception cref="ArgumentException">Bad geometry (one sentence) or inputs of different lengths.</exception>
    public static void Project(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, ReadOnlySpan<float> remission,
        RangeImageGeometry geometry, RangeProjection destination, ProjectionMask mask = ProjectionMask.IndexAtLeastZero)
    {
        geometry.Validate();
        CheckLengths(x.Length, y.Length, z.Length, remission.Length);
        destination.Reset(geometry.Height, geometry.Width, x.Length, mask);
        Fill(x, y, z, remission, geometry, destination);
    }

    /// <summary>Fills an empty projection of the geometry's size for x.Length points.</summary>
    static void Fill(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, ReadOnlySpan<float> remission,
        RangeImageGeometry geometry, RangeProjection result)
    {
        int n = x.Length;
        var fov = Fov.Of(geometry);
        var (ranges, rows, columns) = result.PointArrays;
        if (n < ParallelPoints) Pixels(x, y, z, ranges.AsSpan(0, n), rows.AsSpan(0, n), columns.AsSpan(0, n), geometry, fov);
        else
        {
            // Lambdas cannot hold spans: the coordinates go through pooled arrays.
            var pool = System.Buffers.ArrayPool<float>.Shared;
            float[] xs = pool.Rent(n), ys = pool.Rent(n), zs = pool.Rent(n);
            try
            {
                x.CopyTo(xs);
                y.CopyTo(ys);
                z.CopyTo(zs);
                Parallel.For(0, (n + ParallelChunk - 1) / ParallelChunk, chunk =>
                {
                    int start = chunk * ParallelChunk, length = Math.Min(n, start + ParallelChunk) - start;
                    Pixels(xs.AsSpan(start, length), ys.AsSpan(start, length), zs.AsSpan(start, length),
                        ranges.AsSpan(start, length), rows.AsSpan(start, length), columns.AsSpan(start, length), geometry, fov);
                });
            }
            finally
            {
                pool.Return(xs);
                pool.Return(ys);
                pool.Return(zs);
            }
        }
        int width = geometry.Width;
        for (int i = 0; i < n; i++) Write(result, ranges[i], i, rows[i] * width + columns[i], x, y, z, remission);
    }

    /// <summary>Scans with at least this many points compute their angles in parallel chunks.</summary>
    public const int ParallelPoints = 65_536;

    const int ParallelChunk = 16_384;

    /// <summary>Range, row and column of every point of a span: eight lanes at a time, exact fallback near pixel edges.</summary>
    internal static void Pixels(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> ranges,
        Span<int> rows, Span<int> columns, RangeImageGeometry geometry, Fov fov)
    {
        int n = x.Length, i = 0, width = geometry.Width, height = geometry.Height;
        if (Vector256.IsHardwareAccelerated)
        {
            float marginU = ProjectionAngles.PixelMargin(width / (2 * Math.PI), width);
            float marginV = ProjectionAngles.PixelMargin(height / (double)fov.Total, height);
            var lowU = Vector256.Create(marginU);
            var highU = Vector256.Create(1 - marginU);
            var lowV = Vector256.Create(marginV);
            var highV = Vector256.Create(1 - marginV);
            var half = Vector256.Create(0.5f);
            var pi = Vector256.Create(MathF.PI);
            var one = Vector256<float>.One;
            var w = Vector256.Create((float)width);
            var h = Vector256.Create((float)height);
            var lastColumn = Vector256.Create((float)(width - 1));
            var lastRow = Vector256.Create((float)(height - 1));
            var down = Vector256.Create(fov.DownAbs);
            var total = Vector256.Create(fov.Total);
            for (; i <= n - 8; i += 8)
            {
                var vx = Vector256.Create(x.Slice(i, 8));
                var vy = Vector256.Create(y.Slice(i, 8));
                var vz = Vector256.Create(z.Slice(i, 8));
                // The reference's own operations in its order (no fused multiply-add), so ranges are bit-identical.
                var r = Vector256.Sqrt(vx * vx + vy * vy + vz * vz);
                r.CopyTo(ranges.Slice(i, 8));
                var u = half * (-ProjectionAngles.Atan2(vy, vx) / pi + one) * w;
                var v = (one - (ProjectionAngles.Asin(vz / r) + down) / total) * h;
                var floorU = Vector256.Floor(u);
                var floorV = Vector256.Floor(v);
                var fracU = u - floorU;
                var fracV = v - floorV;
                // Safe lanes: both fractions clear of the edges (false for NaN, so those are recomputed too).
                var safe = Vector256.GreaterThanOrEqual(fracU, lowU) & Vector256.LessThanOrEqual(fracU, highU)
                    & Vector256.GreaterThanOrEqual(fracV, lowV) & Vector256.LessThanOrEqual(fracV, highV);
                Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(floorU, Vector256<float>.Zero), lastColumn))
                    .CopyTo(columns.Slice(i, 8));
                Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(floorV, Vector256<float>.Zero), lastRow))
                    .CopyTo(rows.Slice(i, 8));
                uint unsafeLanes = ~safe.ExtractMostSignificantBits() & 0xFF;
                while (unsafeLanes != 0)
                {
                    int j = i + System.Numerics.BitOperations.TrailingZeroCount(unsafeLanes);
                    unsafeLanes &= unsafeLanes - 1;
                    columns[j] = Column(x[j], y[j], width);
                    rows[j] = Row(z[j], ranges[j], fov, height);
                }
            }
        }
        for (; i < n; i++)
        {
            float r = Range(x[i], y[i], z[i]);
            ranges[i] = r;
            columns[i] = Column(x[i], y[i], width);
            rows[i] = Row(z[i], r, fov, height);
        }
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
        var depth = result.PointArrays.Range;
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

    internal static int Row(float z, float r, Fov fov, int height)
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
    internal static void Write(RangeProjection result, float r, int i, int p, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> z, ReadOnlySpan<float> remission)
    {
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

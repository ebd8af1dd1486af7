namespace Workbench.Kernels.RangeImage;

/// <summary>
/// Projection by ring (beam) index: the row of a point is the index of the laser that measured it (0 = the top beam),
/// the column is the spherical one (<see cref="SphericalProjection"/>). Unevenly spaced beams (an HDL-64's upper block
/// is twice as dense as its lower one) and a sweep skewed by ego-motion leave empty rows and collisions in a spherical
/// image; by ring every beam has its own row. Nearest point per pixel wins, ties to the lowest point index.
/// </summary>
public static class RingProjection
{
    /// <summary>Projects points with known ring indices into a <c>rings × width</c> image.</summary>
    /// <exception cref="ArgumentException">A ring index outside [0, rings − 1], width below 1, or inputs of
    /// different lengths.</exception>
    public static RangeProjection Project(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z,
        ReadOnlySpan<float> remission, ReadOnlySpan<int> ring, int rings, int width,
        ProjectionMask mask = ProjectionMask.IndexAtLeastZero)
    {
        Check(x, y, z, remission, ring, rings, width);
        var result = new RangeProjection(rings, width, x.Length, mask);
        Fill(x, y, z, remission, ring, width, result);
        return result;
    }

    /// <summary>
    /// The same projection into one the caller keeps (reused without allocating once it has held a scan of this size
    /// and at least n points); equal, bit for bit, to the allocating overload.
    /// </summary>
    /// <exception cref="ArgumentException">As the allocating overload.</exception>
    public static void Project(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, ReadOnlySpan<float> remission,
        ReadOnlySpan<int> ring, int rings, int width, RangeProjection destination, ProjectionMask mask = ProjectionMask.IndexAtLeastZero)
    {
        Check(x, y, z, remission, ring, rings, width);
        destination.Reset(rings, width, x.Length, mask);
        Fill(x, y, z, remission, ring, width, destination);
    }

    static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, ReadOnlySpan<float> remission,
        ReadOnlySpan<int> ring, int rings, int width)
    {
        new RangeImageGeometry(rings, width, 1, 0).Validate();
        SphericalProjection.CheckLengths(x.Length, y.Length, z.Length, remission.Length);
        if (ring.Length != x.Length)
            throw new ArgumentException($"ring has {ring.Length} entries for {x.Length} points: give one ring index per point.");
        for (int i = 0; i < ring.Length; i++)
            if ((uint)ring[i] >= (uint)rings)
                throw new ArgumentException($"Point {i} has ring index {ring[i]}, outside [0, {rings - 1}] for a {rings}-ring image.");
    }

    static void Fill(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, ReadOnlySpan<float> remission,
        ReadOnlySpan<int> ring, int width, RangeProjection result)
    {
        var (ranges, rows, columns) = result.PointArrays;
        for (int i = 0; i < x.Length; i++)
        {
            float r = SphericalProjection.Range(x[i], y[i], z[i]);
            ranges[i] = r;
            rows[i] = ring[i];
            columns[i] = SphericalProjection.Column(x[i], y[i], width);
            SphericalProjection.Write(result, r, i, ring[i] * width + columns[i], x, y, z, remission);
        }
    }
}

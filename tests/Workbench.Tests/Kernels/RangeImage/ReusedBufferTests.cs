using Workbench.Data;
using Workbench.Kernels.RangeImage;

namespace Workbench.Tests.Kernels.RangeImage;

/// <summary>
/// The buffer-reusing overloads (a reused <see cref="RangeProjection"/>, destination spans, pooled KNN scratch) give
/// the allocating overloads' results bit for bit, whatever the previous scan left in the buffers, and allocate
/// (almost) nothing per scan.
/// </summary>
public class ReusedBufferTests
{
    const int Classes = 9;

    static (float[] X, float[] Y, float[] Z, float[] R) RandomCloud(Random rng, int n)
    {
        float[] x = new float[n], y = new float[n], z = new float[n], r = new float[n];
        for (int i = 0; i < n; i++)
        {
            double az = rng.NextDouble() * 2 * Math.PI, el = (rng.NextDouble() * 30 - 26) * Math.PI / 180;
            double range = rng.NextDouble() < 0.1 ? 5 : 1 + rng.NextDouble() * 40; // exact ties now and then
            x[i] = (float)(range * Math.Cos(el) * Math.Cos(az));
            y[i] = (float)(range * Math.Cos(el) * Math.Sin(az));
            z[i] = (float)(range * Math.Sin(el));
            r[i] = (float)rng.NextDouble();
        }
        return (x, y, z, r);
    }

    static void AssertSame(RangeProjection expected, RangeProjection actual, string what)
    {
        Assert.Equal((expected.Height, expected.Width, expected.Points, expected.MaskRule),
            (actual.Height, actual.Width, actual.Points, actual.MaskRule));
        Assert.True(expected.Range.SequenceEqual(actual.Range) && expected.X.SequenceEqual(actual.X) && expected.Y.SequenceEqual(actual.Y)
            && expected.Z.SequenceEqual(actual.Z) && expected.Remission.SequenceEqual(actual.Remission), $"{what}: images differ");
        Assert.True(expected.Index.SequenceEqual(actual.Index), $"{what}: index images differ");
        Assert.True(expected.PointRow.SequenceEqual(actual.PointRow) && expected.PointColumn.SequenceEqual(actual.PointColumn)
            && expected.PointRange.SequenceEqual(actual.PointRange), $"{what}: per-point arrays differ");
        Assert.True(expected.Mask().SequenceEqual(actual.Mask()), $"{what}: masks differ");
    }

    [Fact]
    public void A_reused_projection_equals_a_fresh_one_across_sizes_point_counts_and_mask_rules()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        var reused = new RangeProjection();
        // Growing and shrinking point counts (70,000 takes the parallel path), changing image sizes, both mask rules.
        var cases = new (int Points, RangeImageGeometry Geometry, ProjectionMask Mask)[]
        {
            (20_000, new(32, 512, 3, -25), ProjectionMask.IndexAtLeastZero),
            (5_000, new(32, 512, 3, -25), ProjectionMask.IndexAboveZero),
            (70_000, new(64, 2048, 3, -25), ProjectionMask.IndexAtLeastZero),
            (31_000, new(32, 512, 3, -25), ProjectionMask.IndexAtLeastZero),
            (0, new(16, 100, 10, -30), ProjectionMask.IndexAtLeastZero),
            (1_003, new(16, 100, 10, -30), ProjectionMask.IndexAboveZero),
        };
        foreach (var (n, geometry, mask) in cases)
        {
            var (x, y, z, r) = RandomCloud(rng, n);
            SphericalProjection.Project(x, y, z, r, geometry, reused, mask);
            AssertSame(SphericalProjection.Project(x, y, z, r, geometry, mask), reused, $"seed {seed}, {n} points, {geometry}");
        }
    }

    [Fact]
    public void A_reused_ring_projection_equals_a_fresh_one()
    {
        var reused = new RangeProjection();
        foreach (var (sensor, sceneSeed) in new[]
                 {
                     (LidarSensor.Hdl64Like with { Columns = 512 }, 3), (LidarSensor.Hdl64Like with { Columns = 256, Beams = 32 }, 4),
                     (LidarSensor.Hdl64Like with { Columns = 1024 }, 5),
                 })
        {
            var scan = LidarSimulator.Simulate(sensor, sceneSeed);
            RingProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission, scan.Ring, sensor.Beams, sensor.Columns, reused);
            AssertSame(RingProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission, scan.Ring, sensor.Beams, sensor.Columns), reused,
                $"{sensor.Beams} × {sensor.Columns}");
        }
    }

    static (RangeProjection P, int[] Labels) Scene(Random rng, int height, int width, int points)
    {
        var (x, y, z, r) = RandomCloud(rng, points);
        var p = SphericalProjection.Project(x, y, z, r, new RangeImageGeometry(height, width, 3, -25));
        // Blocky labels with one pixel in 5 random: both the short cuts and the K-nearest search run.
        var labels = Enumerable.Range(0, height * width)
            .Select(q => rng.Next(5) == 0 ? rng.Next(Classes) : (q / width / 4 * 5 + q % width / 6 * 3) % Classes).ToArray();
        return (p, labels);
    }

    [Theory]
    [InlineData(5, 5, 1.0, 1.0, false)]
    [InlineData(5, 5, 1.0, 0.0, true)]
    [InlineData(12, 5, 1.0, 0.5, false)]
    [InlineData(5, 9, 2.0, 1.0, true)]
    public void Knn_and_unprojection_into_buffers_equal_the_allocating_overloads_whatever_the_pools_held(int k, int window,
        double sigma, double cutoff, bool wrap)
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        var options = new KnnOptions(k, window, sigma, cutoff, wrap);
        var buffer = new int[80_000];
        // Sizes in turn, so each call rents scratch the previous (larger or smaller) scan wrote; 70,000 points run in
        // parallel chunks.
        foreach (var (height, width, points) in new[] { (32, 512, 30_000), (16, 64, 2_000), (64, 1024, 70_000), (32, 512, 25_000) })
        {
            var (p, labels) = Scene(rng, height, width, points);
            Array.Fill(buffer, -7);
            var into = buffer.AsSpan(0, points);
            KnnCleanup.Apply(p, labels, Classes, options, into);
            var allocating = KnnCleanup.Apply(p, labels, Classes, options);
            Assert.True(into.SequenceEqual(allocating), $"seed {seed}, {height} × {width}: KNN into a buffer differs");
            if (points <= 30_000)
                Assert.True(allocating.SequenceEqual(KnnCleanup.Reference(p, labels, Classes, options)),
                    $"seed {seed}, {height} × {width}: KNN differs from the reference");
            Unprojection.Labels(labels, p, into);
            Assert.True(into.SequenceEqual(Unprojection.Labels(labels, p)), $"seed {seed}: unprojection into a buffer differs");
        }
    }

    [Fact]
    public void A_destination_of_the_wrong_length_is_one_sentence()
    {
        var (p, labels) = Scene(new Random(1), 8, 32, 300);
        var e = Assert.Throws<ArgumentException>(() => KnnCleanup.Apply(p, labels, Classes, KnnOptions.Paper, new int[299]));
        Assert.Contains("300 points", e.Message);
        e = Assert.Throws<ArgumentException>(() => Unprojection.Labels(labels, p, new int[301]));
        Assert.Contains("300 points", e.Message);
    }

    [Fact]
    public void The_reusing_pipeline_allocates_almost_nothing_per_scan()
    {
        // The reading-group size: 32 × 512, about 31,000 points per scan, on the calling thread.
        var rng = new Random(5);
        var geometry = new RangeImageGeometry(32, 512, 3, -25);
        var clouds = Enumerable.Range(0, 4).Select(i => RandomCloud(rng, 30_000 + 500 * i)).ToList();
        var labels = Enumerable.Range(0, geometry.Pixels).Select(q => q / 512 / 4 % Classes).ToArray();
        var projection = new RangeProjection();
        var pointLabels = new int[32_000];
        void Reusing(int i)
        {
            var (x, y, z, r) = clouds[i];
            SphericalProjection.Project(x, y, z, r, geometry, projection);
            Unprojection.Labels(labels, projection, pointLabels.AsSpan(0, x.Length));
            KnnCleanup.Apply(projection, labels, Classes, KnnOptions.Paper, pointLabels.AsSpan(0, x.Length));
        }
        void Allocating(int i)
        {
            var (x, y, z, r) = clouds[i];
            var p = SphericalProjection.Project(x, y, z, r, geometry);
            _ = Unprojection.Labels(labels, p);
            _ = KnnCleanup.Apply(p, labels, Classes, KnnOptions.Paper);
        }
        long PerScan(Action<int> scan)
        {
            for (int i = 0; i < clouds.Count; i++) scan(i); // warm-up: JIT, pools, the largest scan's arrays
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int pass = 0; pass < 3; pass++)
                for (int i = 0; i < clouds.Count; i++) scan(i);
            return (GC.GetAllocatedBytesForCurrentThread() - before) / (3 * clouds.Count);
        }
        long reusing = PerScan(Reusing), allocating = PerScan(Allocating);
        Assert.True(reusing < 1024, $"the reusing pipeline allocates {reusing} bytes per scan");
        Assert.True(allocating > 300_000, $"the allocating pipeline allocates {allocating} bytes per scan");
    }
}

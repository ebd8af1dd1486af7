using System.Runtime.Intrinsics;
using Workbench.Data;
using Workbench.Kernels.RangeImage;

namespace Workbench.Tests.Kernels.RangeImage;

public class SphericalProjectionTests
{
    static readonly RangeImageGeometry Kitti = new(64, 2048, 3, -25);

    static (float[] X, float[] Y, float[] Z, float[] R) RandomCloud(int seed, int n)
    {
        var rng = new Random(seed);
        float[] x = new float[n], y = new float[n], z = new float[n], r = new float[n];
        for (int i = 0; i < n; i++)
        {
            // A coarse grid of directions and ranges, so many points share pixels and some share ranges exactly.
            double az = rng.Next(512) * 2 * Math.PI / 512, el = (rng.Next(40) - 32) * Math.PI / 180, range = 2 + rng.Next(60) * 0.5;
            x[i] = (float)(range * Math.Cos(el) * Math.Cos(az));
            y[i] = (float)(range * Math.Cos(el) * Math.Sin(az));
            z[i] = (float)(range * Math.Sin(el));
            r[i] = (float)rng.NextDouble();
        }
        return (x, y, z, r);
    }

    [Fact]
    public void Pixel_of_a_point_follows_the_laserscan_formulas()
    {
        // A point straight ahead at the horizon: yaw 0 → u = W/2; pitch 0 → v = (1 − 25/28)·H = 6.857 → row 6.
        var p = SphericalProjection.Project([10f], [0f], [0f], [0.5f], Kitti);
        Assert.Equal(1024, p.PointColumn[0]);
        Assert.Equal(6, p.PointRow[0]);
        // y > 0 (left) gives negative yaw, so columns left of the centre: yaw = −π/2 → u = W/4.
        p = SphericalProjection.Project([0f], [10f], [0f], [0.5f], Kitti);
        Assert.Equal(512, p.PointColumn[0]);
        // Elevation −25° is the bottom edge: v = H → clamped to H − 1; +3° is row 0; above the fov clamps to row 0.
        float c = MathF.Cos(-25f * MathF.PI / 180), s = MathF.Sin(-25f * MathF.PI / 180);
        p = SphericalProjection.Project([10 * c, 10, 1], [0, 0, 0], [10 * s, 5, 0], [0, 0, 0], Kitti);
        Assert.Equal(63, p.PointRow[0]);
        Assert.Equal(0, p.PointRow[1]);
        Assert.Equal(10f, p.PointRange[0], 4);
    }

    [Fact]
    public void The_nearest_point_of_a_pixel_wins_and_ties_keep_the_lowest_index()
    {
        var p = SphericalProjection.Project([20f, 10f, 30f, 10f], [0, 0, 0, 0], [0, 0, 0, 0], [0.1f, 0.2f, 0.3f, 0.4f], Kitti);
        int pixel = p.PointRow[0] * Kitti.Width + p.PointColumn[0];
        Assert.Equal(1, p.Index[pixel]); // points 1 and 3 tie at 10 m: the lower index
        Assert.Equal(10f, p.Range[pixel]);
        Assert.Equal(0.2f, p.Remission[pixel]);
        Assert.Equal(1, p.VisiblePoints);
        Assert.Equal(-1f, p.Range[0]);
    }

    [Fact]
    public void Fast_path_equals_the_reference_on_random_clouds()
    {
        int seed = TestPaths.FreshSeed();
        var (x, y, z, r) = RandomCloud(seed, 20_000);
        foreach (var geometry in new[] { Kitti, new RangeImageGeometry(32, 512, 3, -25), new RangeImageGeometry(16, 100, 10, -30) })
        {
            var fast = SphericalProjection.Project(x, y, z, r, geometry);
            var reference = SphericalProjection.ProjectReference(x, y, z, r, geometry);
            Assert.True(fast.Index.SequenceEqual(reference.Index), $"seed {seed}: index images differ");
            Assert.True(fast.Range.SequenceEqual(reference.Range), $"seed {seed}");
            Assert.True(fast.Remission.SequenceEqual(reference.Remission), $"seed {seed}");
            Assert.True(fast.PointRow.SequenceEqual(reference.PointRow) && fast.PointColumn.SequenceEqual(reference.PointColumn),
                $"seed {seed}");
        }
    }

    static void AssertSameAsReference(float[] x, float[] y, float[] z, RangeImageGeometry geometry, string what)
    {
        var r = new float[x.Length];
        var fast = SphericalProjection.Project(x, y, z, r, geometry);
        var reference = SphericalProjection.ProjectReference(x, y, z, r, geometry);
        int column = Enumerable.Range(0, x.Length).FirstOrDefault(i => fast.PointColumn[i] != reference.PointColumn[i], -1);
        int row = Enumerable.Range(0, x.Length).FirstOrDefault(i => fast.PointRow[i] != reference.PointRow[i], -1);
        Assert.True(column < 0, $"{what}, {geometry}: point {column} ({(column < 0 ? "" : $"{x[column]:R}, {y[column]:R}")}) "
            + $"column {(column < 0 ? 0 : fast.PointColumn[column])} vs {(column < 0 ? 0 : reference.PointColumn[column])}");
        Assert.True(row < 0, $"{what}, {geometry}: point {row} row {(row < 0 ? 0 : fast.PointRow[row])} vs "
            + $"{(row < 0 ? 0 : reference.PointRow[row])}");
        Assert.True(fast.PointRange.SequenceEqual(reference.PointRange), $"{what}: ranges differ");
        Assert.True(fast.Index.SequenceEqual(reference.Index), $"{what}: index images differ");
    }

    static readonly RangeImageGeometry[] Geometries =
    [
        Kitti, new(32, 512, 3, -25), new(16, 100, 10, -30), new(128, 4096, 2, -24.8), new(7, 33, 1.5, -0.5), new(64, 2048, 45, -45),
    ];

    [Fact]
    public void Vectorised_pixels_equal_the_reference_on_random_continuous_scans()
    {
        // Directions drawn continuously over the sphere (the vector path's approximate angles meet every fraction of
        // a pixel), ranges over four decades, and the awkward points: axes, signed zeros, the origin, the poles.
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        int n = 50_003;
        float[] x = new float[n], y = new float[n], z = new float[n];
        for (int i = 0; i < n; i++)
        {
            double az = rng.NextDouble() * 2 * Math.PI, el = Math.Asin(rng.NextDouble() * 2 - 1);
            double range = Math.Pow(10, rng.NextDouble() * 4 - 1);
            x[i] = (float)(range * Math.Cos(el) * Math.Cos(az));
            y[i] = (float)(range * Math.Cos(el) * Math.Sin(az));
            z[i] = (float)(range * Math.Sin(el));
        }
        float[][] special =
        [
            [0f, 0f, 0f], [-0f, 0f, 0f], [0f, -0f, 1f], [5f, 0f, 0f], [-5f, 0f, 0f], [-5f, -0f, 0f], [0f, 5f, 0f], [0f, -5f, 0f],
            [0f, 0f, 5f], [0f, 0f, -5f], [1e-30f, 1e-30f, 1e-30f], [3f, 4f, 0f], [-3f, 4f, -0f],
        ];
        for (int i = 0; i < special.Length; i++) (x[i * 7], y[i * 7], z[i * 7]) = (special[i][0], special[i][1], special[i][2]);
        foreach (var geometry in Geometries) AssertSameAsReference(x, y, z, geometry, $"seed {seed}");
    }

    [Fact]
    public void Vectorised_pixels_equal_the_reference_for_points_exactly_on_pixel_edges()
    {
        // For every column edge and row edge, a point in the edge's direction and its neighbours a few ulps away in x,
        // y or z: the reference's single-precision arithmetic puts some on each side, and the fast path must agree.
        foreach (var geometry in Geometries)
        {
            var xs = new List<float>();
            var ys = new List<float>();
            var zs = new List<float>();
            var rng = new Random(geometry.Width);
            var sides = new HashSet<(bool Column, int Edge, int Pixel)>();
            for (int k = 0; k <= geometry.Width; k += Math.Max(1, geometry.Width / 200))
            {
                double yaw = (2.0 * k / geometry.Width - 1) * Math.PI, range = 1 + rng.NextDouble() * 60;
                float x0 = (float)(range * Math.Cos(-yaw)), y0 = (float)(range * Math.Sin(-yaw)), z0 = (float)(range * 0.01);
                foreach (float x in Ulps(x0))
                    foreach (float y in Ulps(y0))
                    {
                        xs.Add(x);
                        ys.Add(y);
                        zs.Add(z0);
                    }
            }
            double fovDown = Math.Abs(geometry.FovDownDegrees) * Math.PI / 180, fov = geometry.FovRadians;
            for (int j = 0; j <= geometry.Height; j++)
            {
                double pitch = (1 - (double)j / geometry.Height) * fov - fovDown, range = 1 + rng.NextDouble() * 60;
                double az = rng.NextDouble() * 2 * Math.PI;
                float z0 = (float)(range * Math.Sin(pitch));
                float x0 = (float)(range * Math.Cos(pitch) * Math.Cos(az)), y0 = (float)(range * Math.Cos(pitch) * Math.Sin(az));
                foreach (float z in Ulps(z0))
                    foreach (float x in Ulps(x0))
                    {
                        xs.Add(x);
                        ys.Add(y0);
                        zs.Add(z);
                    }
            }
            AssertSameAsReference([.. xs], [.. ys], [.. zs], geometry, "edges");
            // The perturbed points really straddle edges: some edge directions fall into two different columns.
            var reference = SphericalProjection.ProjectReference([.. xs], [.. ys], [.. zs], new float[xs.Count], geometry);
            int straddling = Enumerable.Range(0, xs.Count / 49).Count(e =>
                Enumerable.Range(e * 49, 49).Select(i => reference.PointColumn[i]).Distinct().Count() > 1
                || Enumerable.Range(e * 49, 49).Select(i => reference.PointRow[i]).Distinct().Count() > 1);
            Assert.True(straddling > 0, $"{geometry}: no edge point set straddles an edge");
        }

        static IEnumerable<float> Ulps(float value)
        {
            float v = value;
            for (int i = 0; i < 3; i++) v = MathF.BitDecrement(v);
            for (int i = 0; i < 7; i++, v = MathF.BitIncrement(v)) yield return v;
        }
    }

    [Fact]
    public void Polynomial_angles_stay_within_a_quarter_of_the_error_the_margins_assume()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        double worstAtan = 0, worstAsin = 0;
        Span<float> a = stackalloc float[8], b = stackalloc float[8], c = stackalloc float[8];
        for (int round = 0; round < 100_000; round++)
        {
            for (int l = 0; l < 8; l++)
            {
                double angle = rng.NextDouble() * 2 * Math.PI, scale = Math.Pow(10, rng.NextDouble() * 8 - 4);
                a[l] = (float)(scale * Math.Cos(angle));
                b[l] = (float)(scale * Math.Sin(angle));
                c[l] = round % 4 == 0 ? (float)(1 - rng.NextDouble() * 1e-3) * (l % 2 == 0 ? 1 : -1) : (float)(rng.NextDouble() * 2 - 1);
            }
            var atan = ProjectionAngles.Atan2(Vector256.Create((ReadOnlySpan<float>)b),
                Vector256.Create((ReadOnlySpan<float>)a));
            var asin = ProjectionAngles.Asin(Vector256.Create((ReadOnlySpan<float>)c));
            for (int l = 0; l < 8; l++)
            {
                worstAtan = Math.Max(worstAtan, Math.Abs(atan.GetElement(l) - Math.Atan2(b[l], a[l])));
                worstAsin = Math.Max(worstAsin, Math.Abs(asin.GetElement(l) - Math.Asin(c[l])));
            }
        }
        Assert.True(worstAtan <= ProjectionAngles.AngleError / 4, $"seed {seed}: atan2 error {worstAtan:E2}");
        Assert.True(worstAsin <= ProjectionAngles.AngleError / 4, $"seed {seed}: asin error {worstAsin:E2}");
        Assert.True(float.IsNaN(ProjectionAngles.Atan2(default, default).GetElement(0)));
    }

    [Fact]
    public void The_reference_mask_drops_point_zero_and_ours_keeps_it()
    {
        var ours = SphericalProjection.Project([10f, 20f], [0f, 5f], [0f, 0f], [0f, 0f], Kitti);
        var reference = SphericalProjection.Project([10f, 20f], [0f, 5f], [0f, 0f], [0f, 0f], Kitti, ProjectionMask.IndexAboveZero);
        int pixel0 = ours.PointRow[0] * Kitti.Width + ours.PointColumn[0];
        Assert.Equal(1, ours.Mask()[pixel0]);
        Assert.Equal(0, reference.Mask()[pixel0]); // proj_mask = proj_idx > 0
        Assert.Equal(2, ours.Mask().Sum(v => v));
        Assert.Equal(1, reference.Mask().Sum(v => v));
    }

    [Theory]
    [InlineData(64, 2048, -25, 3)]
    [InlineData(64, 2048, 3, 3)]
    [InlineData(64, 0, 3, -25)]
    [InlineData(0, 2048, 3, -25)]
    public void Bad_geometry_is_one_sentence(int height, int width, double up, double down)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            SphericalProjection.Project([1f], [0f], [0f], [0f], new RangeImageGeometry(height, width, up, down)));
        Assert.DoesNotContain('\n', e.Message);
        Assert.EndsWith(".", e.Message);
        Assert.Contains(width < 1 ? "width" : height < 1 ? "height" : "fov_up", e.Message);
    }
}

public class RingProjectionTests
{
    [Fact]
    public void Rows_are_ring_indices_and_columns_are_spherical()
    {
        var p = RingProjection.Project([10f, 10f], [0f, 0f], [0f, -3f], [0f, 0f], [5, 6], 8, 64);
        Assert.Equal([5, 6], p.PointRow.ToArray());
        Assert.Equal([32, 32], p.PointColumn.ToArray());
        Assert.Throws<ArgumentException>(() => RingProjection.Project([1f], [0f], [0f], [0f], [8], 8, 64));
    }

    [Fact]
    public void An_uneven_hdl64_like_sensor_leaves_empty_rows_spherically_and_none_by_ring()
    {
        var sensor = LidarSensor.Hdl64Like with { Columns = 1024, DropProbability = 0 };
        var scan = LidarSimulator.Simulate(sensor, 3);
        var spherical = SphericalProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission, new RangeImageGeometry(64, 1024, 3, -25));
        var ring = RingProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission, scan.Ring, 64, 1024);
        int EmptyRows(RangeProjection p) =>
            Enumerable.Range(0, p.Height).Count(r => Enumerable.Range(0, p.Width).All(c => p.Index[r * p.Width + c] < 0));
        // Rows below the horizon that hold almost nothing: the lower block's 0.5° spacing skips 0.4375° rows.
        int SparseRows(RangeProjection p) => Enumerable.Range(20, p.Height - 20)
            .Count(r => Enumerable.Range(0, p.Width).Count(c => p.Index[r * p.Width + c] >= 0) < p.Width / 20);
        Assert.True(SparseRows(spherical) >= 3, $"spherical: {SparseRows(spherical)} sparse rows");
        Assert.Equal(0, SparseRows(ring));
        Assert.True(ring.VisiblePoints > spherical.VisiblePoints);
        Assert.True(EmptyRows(ring) <= EmptyRows(spherical));
    }
}

public class KnnCleanupTests
{
    const int Classes = 9;

    static RangeProjection RandomScene(int seed, int height, int width, out int[] pixelLabels)
    {
        var rng = new Random(seed);
        int n = height * width * 2;
        float[] x = new float[n], y = new float[n], z = new float[n], r = new float[n];
        for (int i = 0; i < n; i++)
        {
            double az = rng.NextDouble() * 2 * Math.PI, el = (rng.NextDouble() * 28 - 25) * Math.PI / 180;
            double range = rng.NextDouble() < 0.1 ? 5 : 2 + rng.NextDouble() * 6; // exact ties now and then
            x[i] = (float)(range * Math.Cos(el) * Math.Cos(az));
            y[i] = (float)(range * Math.Cos(el) * Math.Sin(az));
            z[i] = (float)(range * Math.Sin(el));
        }
        var p = SphericalProjection.Project(x, y, z, r, new RangeImageGeometry(height, width, 3, -25));
        pixelLabels = Enumerable.Range(0, height * width).Select(_ => rng.Next(Classes)).ToArray();
        return p;
    }

    [Theory]
    [InlineData(5, 5, 1.0, 1.0, false)]
    [InlineData(5, 5, 1.0, 1.0, true)]
    [InlineData(3, 3, 0.5, 0.0, false)]
    [InlineData(7, 7, 2.0, 0.3, true)]
    [InlineData(1, 1, 1.0, 1.0, false)]
    [InlineData(12, 5, 1.0, 0.5, false)]
    [InlineData(5, 9, 1.0, 1.0, true)]
    [InlineData(25, 5, 1.0, 1.0, false)]
    public void Fast_path_equals_the_unfold_reference(int k, int window, double sigma, double cutoff, bool wrap)
    {
        int seed = TestPaths.FreshSeed();
        var p = RandomScene(seed, 16, 64, out var labels);
        var options = new KnnOptions(k, window, sigma, cutoff, wrap);
        var fast = KnnCleanup.Apply(p, labels, Classes, options);
        var reference = KnnCleanup.Reference(p, labels, Classes, options);
        Assert.True(fast.SequenceEqual(reference), $"seed {seed}: {fast.Zip(reference).Count(t => t.First != t.Second)} points differ");
    }

    [Theory]
    [InlineData(5, 5, 1.0, 1.0, false)]
    [InlineData(5, 5, 1.0, 0.0, true)]
    [InlineData(9, 7, 2.0, 0.5, true)]
    public void Fast_path_equals_the_reference_on_blocky_labels_where_its_short_cuts_apply(int k, int window, double sigma,
        double cutoff, bool wrap)
    {
        // Labels in 8 × 8 blocks with one pixel in 7 left random (a network's prediction is mostly uniform windows), on a
        // wide image and on a 6 × 12 one where the window covers much of the image and its wrap.
        int seed = TestPaths.FreshSeed();
        foreach (var (height, width) in new[] { (16, 64), (6, 12) })
        {
            var p = RandomScene(seed, height, width, out var noise);
            var labels = noise.Select((l, q) => q % 7 == 0 ? l : (q / width / 8 * 5 + q % width / 8 * 3) % Classes).ToArray();
            var options = new KnnOptions(k, window, sigma, cutoff, wrap);
            var fast = KnnCleanup.Apply(p, labels, Classes, options);
            var reference = KnnCleanup.Reference(p, labels, Classes, options);
            Assert.True(fast.SequenceEqual(reference),
                $"seed {seed}, {height} × {width}: {fast.Zip(reference).Count(t => t.First != t.Second)} points differ");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    public void Uniform_windows_vector_pass_equals_the_scalar_pass(int window)
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        foreach (var (height, width) in new[] { (16, 64), (5, 13), (32, 512) })
            foreach (bool emptyMatchesAll in new[] { false, true })
            {
                int pad = (window - 1) / 2, stride = width + 2 * pad, frame = stride * (height + 2 * pad) + 8;
                // Blocky labels with empty (+∞) pixels, so both answers occur.
                var label = Enumerable.Range(0, frame)
                    .Select(q => rng.NextDouble() < 0.05 ? rng.Next(3) : q / stride / 6 % 2 + 1).ToArray();
                var range = Enumerable.Range(0, frame).Select(_ => rng.NextDouble() < 0.2 ? float.PositiveInfinity : 5f).ToArray();
                var scalar = KnnCleanup.UniformWindows(range, label, height, width, window, emptyMatchesAll, vector: false);
                var vector = KnnCleanup.UniformWindows(range, label, height, width, window, emptyMatchesAll, vector: true);
                Assert.True(scalar.AsSpan(0, height * width).SequenceEqual(vector.AsSpan(0, height * width)),
                    $"seed {seed}, {height} × {width}, window {window}, empty matches all {emptyMatchesAll}");
                if (window > 1) Assert.Contains(0, scalar.AsSpan(0, height * width).ToArray());
            }
    }

    [Fact]
    public void Inverse_gaussian_weights_only_span_about_084_to_1()
    {
        var w = KnnOptions.Paper.InverseGaussianWeights();
        Assert.Equal(25, w.Length);
        Assert.Equal(w.Min(), w[12]); // the centre has the largest g, so the smallest weight
        Assert.InRange(w[12], 0.83f, 0.85f);
        Assert.InRange(w[0], 0.995f, 1f);
        Assert.Equal(24f, w.Sum(), 3); // Σ(1 − g) = 25 − 1
    }

    // A 3 × 5 image, the point of interest in the middle pixel (1, 2) at range 10.
    static (RangeProjection P, int[] Labels) Tiny(float[] ranges, int[] labels, float pointRange = 10f)
    {
        var p = new RangeProjection(3, 5, 1, ProjectionMask.IndexAtLeastZero);
        ranges.CopyTo(p.Range, 0);
        p.PointRow[0] = 1;
        p.PointColumn[0] = 2;
        p.PointRange[0] = pointRange;
        return (p, labels);
    }

    [Fact]
    public void The_centre_always_votes_with_its_pixel_label_even_when_that_pixel_shows_another_point()
    {
        // The pixel shows a car at 4 m; the point is a building at 10 m behind it; all neighbours are empty (+∞).
        var ranges = Enumerable.Repeat(-1f, 15).ToArray();
        ranges[7] = 4f;
        var labels = new int[15];
        labels[7] = (int)SceneClass.Car;
        var (p, l) = Tiny(ranges, labels);
        Assert.Equal((int)SceneClass.Car, KnnCleanup.Apply(p, l, Classes, new KnnOptions(3, 3, 1, 1))[0]);
    }

    [Fact]
    public void Neighbours_beyond_the_cutoff_vote_for_the_extra_class_and_never_win()
    {
        // Neighbours at 10.5 m (within cutoff 1 after weighting) labelled person, at 20 m labelled car; centre label road.
        var ranges = Enumerable.Repeat(20f, 15).ToArray();
        var labels = Enumerable.Repeat((int)SceneClass.Car, 15).ToArray();
        ranges[6] = ranges[8] = 10.5f;
        labels[6] = labels[8] = (int)SceneClass.Person;
        labels[7] = (int)SceneClass.Road;
        var (p, l) = Tiny(ranges, labels);
        Assert.Equal((int)SceneClass.Person, KnnCleanup.Apply(p, l, Classes, new KnnOptions(5, 3, 1, 1))[0]);
        // Without the cutoff the two far cars (k = 5: centre, 2 persons, 2 cars) tie with the persons: lowest class wins.
        Assert.Equal((int)SceneClass.Car, KnnCleanup.Apply(p, l, Classes, new KnnOptions(5, 3, 1, 0))[0]);
    }

    [Fact]
    public void Unlabeled_votes_are_excluded_and_no_vote_at_all_gives_class_one()
    {
        var ranges = Enumerable.Repeat(10f, 15).ToArray();
        var labels = new int[15]; // everything unlabeled
        labels[6] = (int)SceneClass.Pole;
        var (p, l) = Tiny(ranges, labels);
        Assert.Equal((int)SceneClass.Pole, KnnCleanup.Apply(p, l, Classes, new KnnOptions(5, 3, 1, 1))[0]);
        labels[6] = 0;
        Assert.Equal(1, KnnCleanup.Apply(p, l, Classes, new KnnOptions(5, 3, 1, 1))[0]); // argmax over zeros + 1
    }

    [Fact]
    public void Zero_padding_at_the_border_and_the_optional_azimuth_wrap()
    {
        // A 1 × 4 image; the point sits in column 0 at range 0.5 m. Without wrap, padded pixels (range 0, label 0)
        // are its nearest neighbours; with wrap, column 3 (a person at 0.5 m) is.
        var p = new RangeProjection(1, 4, 1, ProjectionMask.IndexAtLeastZero);
        float[] ranges = [0.5f, 30f, 30f, 0.5f];
        ranges.CopyTo(p.Range, 0);
        p.PointRange[0] = 0.5f;
        int[] labels = [(int)SceneClass.Road, (int)SceneClass.Car, (int)SceneClass.Car, (int)SceneClass.Person];
        var noWrap = new KnnOptions(3, 3, 1, 1);
        // Window row 1 (the image row): left pad, centre, column 1; rows 0 and 2 are all padding at distance 0.5·w.
        var reference = KnnCleanup.Reference(p, labels, Classes, noWrap);
        Assert.Equal(reference, KnnCleanup.Apply(p, labels, Classes, noWrap));
        Assert.Equal((int)SceneClass.Road, reference[0]); // padding votes 0 (excluded), the centre votes road
        var wrap = noWrap with { K = 9, Cutoff = 0.1 };
        Assert.Equal((int)SceneClass.Road, KnnCleanup.Apply(p, labels, Classes, wrap with { WrapAzimuth = false })[0]);
        var wrapped = KnnCleanup.Apply(p, labels, Classes, new KnnOptions(2, 3, 1, 0.1, WrapAzimuth: true));
        Assert.Equal(KnnCleanup.Reference(p, labels, Classes, new KnnOptions(2, 3, 1, 0.1, WrapAzimuth: true)), wrapped);
    }

    [Theory]
    [InlineData(5, 4, "odd")]
    [InlineData(5, 0, "odd")]
    [InlineData(10, 3, "[1, 9]")]
    public void Bad_options_are_one_sentence(int k, int window, string mention)
    {
        var p = new RangeProjection(3, 5, 1, ProjectionMask.IndexAtLeastZero);
        var e = Assert.Throws<ArgumentException>(() => KnnCleanup.Apply(p, new int[15], Classes, new KnnOptions(k, window)));
        Assert.Contains(mention, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Unprojection_gives_every_point_its_pixel_label()
    {
        var p = SphericalProjection.Project([10f, 20f, 10f], [0f, 0f, 3f], [0f, 0f, 0f], [0f, 0f, 0f],
            new RangeImageGeometry(4, 16, 3, -25));
        var gt = new[] { 4, 3, 5 };
        var pixels = Unprojection.PixelLabels(gt, p);
        var back = Unprojection.Labels(pixels, p);
        Assert.Equal(4, back[0]);
        Assert.Equal(4, back[1]); // occluded by point 0 in the same pixel: takes its label (the projection ceiling's loss)
        Assert.Equal(5, back[2]);
    }
}

using TorchSharp;
using Workbench.Kernels.Points;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Kernels.Points;

public class PointSamplingTests
{
    static float[] RandomValues(Random rng, int n, float scale = 1f) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale)];

    [Fact]
    public void Fast_path_matches_the_reference_on_random_maps_and_points()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            int c = 1 + rng.Next(3), h = 1 + rng.Next(12), w = 1 + rng.Next(12), p = 1 + rng.Next(50);
            var input = RandomValues(rng, c * h * w);
            var coords = UncertainPoints.Uniform(p, rng);
            var fast = PointSampling.Bilinear(input, c, h, w, coords);
            var reference = PointSamplingReference.Bilinear(input, c, h, w, coords);
            for (int i = 0; i < fast.Length; i++)
                Assert.True(Math.Abs(fast[i] - reference[i]) < 1e-5, $"seed {seed}, trial {trial}, output {i}");
        }
    }

    [Fact]
    public void Matches_torch_grid_sample_with_align_corners_false_and_zero_padding()
    {
        // point_sample(input, coords) = grid_sample(input, 2·coords − 1, align_corners=False): the definition itself.
        TorchSetup.Initialize();
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        int c = 3, h = 7, w = 5, p = 200;
        var input = RandomValues(rng, c * h * w);
        var coords = UncertainPoints.Uniform(p, rng);
        coords[0] = 0f; coords[1] = 0f; coords[2] = 1f; coords[3] = 1f; // the corners, where zero padding shows
        using var scope = NewDisposeScope();
        var grid = tensor(coords, [1, p, 1, 2]).mul(Scalars.Of(2.0)).sub(Scalars.One);
        var sampled = nn.functional.grid_sample(tensor(input, [1, c, h, w]), grid, align_corners: false);
        var expected = sampled.reshape(c * p).data<float>().ToArray();
        var ours = PointSampling.Bilinear(input, c, h, w, coords);
        for (int i = 0; i < ours.Length; i++)
            Assert.True(Math.Abs(ours[i] - expected[i]) < 1e-5, $"seed {seed}, output {i}: {ours[i]} vs {expected[i]}");
    }

    [Fact]
    public void A_cell_centre_returns_the_cell_and_the_corner_is_blended_with_zero()
    {
        var map = new float[] { 1, 2, 3, 4, 5, 6 }; // 2 × 3
        for (int i = 0; i < 6; i++)
        {
            var (x, y) = PointSampling.CellCentre(i, 2, 3);
            Assert.Equal((i % 3 + 0.5) / 3, x, 6);
            Assert.Equal((i / 3 + 0.5) / 2, y, 6);
            Assert.Equal(map[i], PointSampling.Bilinear(map, 1, 2, 3, [x, y])[0], 5);
        }
        // (0, 0) is half a pixel outside the first centre on both axes: a quarter of the corner pixel, the rest zeros.
        Assert.Equal(0.25f, PointSampling.Bilinear(map, 1, 2, 3, [0f, 0f])[0], 6);
        // Halfway between the centres of pixels 1 and 2 of the first row.
        Assert.Equal(1.5f, PointSampling.Bilinear(map, 1, 2, 3, [1f / 3, 0.25f])[0], 5);
    }

    [Fact]
    public void Bilinear_resize_matches_torch_interpolate_align_corners_false()
    {
        TorchSetup.Initialize();
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        foreach (var (h, w, oh, ow) in new[] { (4, 5, 8, 10), (3, 3, 24, 24), (7, 2, 14, 4) })
        {
            var input = RandomValues(rng, 2 * h * w);
            using var scope = NewDisposeScope();
            var expected = nn.functional.interpolate(tensor(input, [1, 2, h, w]), size: [oh, ow], mode: InterpolationMode.Bilinear,
                align_corners: false).reshape(2 * oh * ow).data<float>().ToArray();
            var ours = BilinearResize.Resize(input, 2, h, w, oh, ow);
            for (int i = 0; i < ours.Length; i++)
                Assert.True(Math.Abs(ours[i] - expected[i]) < 1e-5, $"seed {seed}, {h}×{w}→{oh}×{ow}, output {i}");
        }
    }

    [Fact]
    public void Mismatched_sizes_are_one_sentence()
    {
        var e = Assert.Throws<ArgumentException>(() => PointSampling.Bilinear(new float[5], 1, 2, 3, [0.5f, 0.5f]));
        Assert.Equal("The map holds 5 values but 1 × 2 × 3 = 6 were expected.", e.Message);
        Assert.Throws<ArgumentException>(() => PointSampling.Bilinear(new float[6], 1, 2, 3, [0.5f]));
    }
}

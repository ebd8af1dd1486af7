using Workbench.Kernels.Points;

namespace Workbench.Tests.Kernels.Points;

public class UncertainPointsTests
{
    [Fact]
    public void Top_k_matches_a_plain_sort_largest_first_ties_by_index()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        for (int trial = 0; trial < 30; trial++)
        {
            int n = 1 + rng.Next(400);
            // Few distinct values so ties are common.
            var values = Enumerable.Range(0, n).Select(_ => (float)rng.Next(-5, 5) * (rng.Next(2) == 0 ? 1f : 0.5f)).ToArray();
            int k = rng.Next(n + 1);
            var expected = Enumerable.Range(0, n).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k).ToArray();
            Assert.True(expected.SequenceEqual(UncertainPoints.TopK(values, k)), $"seed {seed}, trial {trial}, n {n}, k {k}");
        }
    }

    [Fact]
    public void Binary_uncertainty_is_minus_abs_logit_and_margin_is_second_minus_best()
    {
        var u = new float[3];
        PointUncertainty.Binary([2f, -0.5f, 0f], u);
        Assert.Equal([-2f, -0.5f, 0f], u);
        // 3 classes × 2 points (C × P): point 0 logits (1, 3, 2) → 2 − 3 = −1; point 1 logits (5, −1, 5) → 0.
        var margin = new float[2];
        PointUncertainty.Margin([1f, 5f, 3f, -1f, 2f, 5f], 3, margin);
        Assert.Equal([-1f, 0f], margin);
    }

    [Fact]
    public void Uncertainty_is_computed_on_interpolated_logits_not_interpolated_from_an_uncertainty_map()
    {
        // Coarse logits −1 | +1: between the two cell centres the interpolated logit is 0, the most uncertain value;
        // interpolating the uncertainty map (−1, −1) would give −1 there. Training selection must pick the midpoint.
        float[] coarse = [-1f, 1f]; // 1 × 1 × 2
        float[] midpoint = [0.5f, 0.5f], centre = [0.25f, 0.5f];
        var logits = PointSampling.Bilinear(coarse, 1, 1, 2, [.. midpoint, .. centre]);
        var u = PointUncertainty.Of(logits, 1);
        Assert.Equal(0f, u[0]);
        Assert.Equal(-1f, u[1]);
        var chosen = UncertainPoints.ForTraining(coarse, 1, 1, 2, numPoints: 4, oversampleRatio: 50, importanceRatio: 1, new Random(1));
        Assert.All(Enumerable.Range(0, 4), p => Assert.InRange(chosen[2 * p], 0.45f, 0.55f));
    }

    [Fact]
    public void Training_selection_keeps_floor_beta_n_uncertain_points_then_fresh_uniform_ones()
    {
        // A vertical edge at x = 0.5: uncertainty rises towards it. With k = 3, β = 0.75, N = 196 (the paper's 14²):
        // the first ⌊0.75·196⌋ = 147 points are the 147 candidates nearest the edge out of ⌊3·196⌋ = 588, and the
        // other 49 are fresh uniform draws (the same stream continued), as in detectron2.
        int seed = TestPaths.FreshSeed();
        float[] coarse = [-4f, -4f, 4f, 4f]; // 1 × 1 × 4
        var coords = UncertainPoints.ForTraining(coarse, 1, 1, 4, 196, 3, 0.75, new Random(seed));
        Assert.Equal(2 * 196, coords.Length);
        var rng = new Random(seed);
        var candidates = UncertainPoints.Uniform(588, rng);
        var u = PointUncertainty.Of(PointSampling.Bilinear(coarse, 1, 1, 4, candidates), 1);
        var top = UncertainPoints.TopK(u, 147);
        for (int p = 0; p < 147; p++)
            Assert.True(coords[2 * p] == candidates[2 * top[p]] && coords[2 * p + 1] == candidates[2 * top[p] + 1],
                $"seed {seed}, point {p}");
        var fresh = UncertainPoints.Uniform(49, rng);
        Assert.True(fresh.SequenceEqual(coords[(2 * 147)..]), $"seed {seed}");
        // Near the edge, or within half a coarse cell of the border, where zero padding pulls the logit towards 0 (as
        // grid_sample does in the reference too): across x (cells of 1/4) and across y (one row, so its half-cell is 1/2
        // and the logit halves at y = 0 or 1).
        for (int p = 0; p < 147; p++)
        {
            float x = coords[2 * p], y = coords[2 * p + 1];
            bool nearEdge = Math.Abs(x - 0.5f) < 0.2f, nearBorder = x < 0.125f || x > 0.875f || y < 0.25f || y > 0.75f;
            Assert.True(nearEdge || nearBorder, $"seed {seed}, point {p} at ({x}, {y})");
        }
    }

    [Fact]
    public void On_grid_picks_the_most_uncertain_cells_at_their_centres()
    {
        float[] map = [-3f, -0.1f, -2f, 0f, -1f, -0.1f]; // 2 × 3
        var (indices, coords) = UncertainPoints.OnGrid(map, 2, 3, 3);
        Assert.Equal([3, 1, 5], indices);
        Assert.Equal(0.5f / 3, coords[0], 6);  // cell 3 = row 1, column 0
        Assert.Equal(0.75f, coords[1], 6);
    }

    [Fact]
    public void Bad_inputs_are_one_sentence_each()
    {
        float[] coarse = [0f, 1f, 2f, 3f];
        var beta = Assert.Throws<ArgumentException>(() => UncertainPoints.ForTraining(coarse, 1, 2, 2, 10, 3, 1.5, new Random(0)));
        Assert.Equal("The importance ratio β = 1.5 must be in [0, 1] (the share of points chosen by uncertainty).", beta.Message);
        var k = Assert.Throws<ArgumentException>(() => UncertainPoints.ForTraining(coarse, 1, 2, 2, 10, 0.5, 0.75, new Random(0)));
        Assert.Equal("The oversampling ratio k = 0.5 must be at least 1 (k·N candidates are drawn to keep N).", k.Message);
        var many = Assert.Throws<ArgumentException>(() => UncertainPoints.OnGrid(coarse, 2, 2, 5));
        Assert.Equal("num_points = 5 is more points than the 2 × 2 = 4 pixels of the grid.", many.Message);
    }
}

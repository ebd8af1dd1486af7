using Workbench.Kernels.Points;

namespace Workbench.Tests.Kernels.Points;

public class SubdivisionTests
{
    [Fact]
    public void Output_size_is_coarse_times_two_to_the_steps()
    {
        Assert.Equal((224, 224), Subdivision.OutputSize(7, 7, 5)); // the paper's 7² coarse mask, 5 steps
        var coarse = new float[8 * 6];
        var result = Subdivision.Run(coarse, 1, 8, 6, 3, 50, (c, a) => a);
        Assert.Equal((64, 48), (result.Height, result.Width));
        Assert.Equal(64 * 48, result.Logits.Length);
    }

    [Fact]
    public void A_step_is_skipped_while_n_is_at_least_four_h_w_but_never_the_last()
    {
        // The paper's mask head: 7² coarse, N = 28² = 784. Step 1 upsamples to 14²: 784 ≥ 4·196 → skipped; step 2
        // (28²) refines all 784; steps 3–5 refine 784 each.
        var coarse = new float[49];
        var result = Subdivision.Run(coarse, 1, 7, 7, 5, 784, (c, a) => a);
        Assert.Equal([true, false, false, false, false], result.Steps.Select(s => s.Skipped));
        Assert.Equal([0, 784, 784, 784, 784], result.Steps.Select(s => s.Indices.Length));
        Assert.Equal(4 * 784, result.PointEvaluations);
        // With one step only, the step is the last and runs, refining min(N, H·W) = 196 cells.
        var one = Subdivision.Run(coarse, 1, 7, 7, 1, 784, (c, a) => a);
        Assert.False(one.Steps[0].Skipped);
        Assert.Equal(196, one.Steps[0].Indices.Length);
        Assert.True(Subdivision.IsSkipped(1024, 16, 16, 1, 3));
        Assert.False(Subdivision.IsSkipped(1023, 16, 16, 1, 3));
    }

    [Fact]
    public void The_point_head_sees_the_original_coarse_prediction_not_the_refined_grid()
    {
        // A head that returns +10 everywhere rewrites the grid; at the next step the coarse features it is given must
        // still be the original coarse logits sampled at the points (all −1 here), never the refined +10 values.
        var coarse = Enumerable.Repeat(-1f, 16).ToArray();
        coarse[5] = 1f; // an edge, so some cells are uncertain
        var seen = new List<float>();
        Subdivision.Run(coarse, 1, 4, 4, 3, 20, (coords, coarseAtPoints) =>
        {
            var expected = PointSampling.Bilinear(coarse, 1, 4, 4, coords);
            Assert.Equal(expected, coarseAtPoints);
            seen.AddRange(coarseAtPoints);
            return Enumerable.Repeat(10f, coords.Length / 2).ToArray();
        });
        Assert.True(seen.Count > 0);
        Assert.All(seen, v => Assert.True(v <= 1f));
    }

    [Fact]
    public void Refined_cells_are_the_most_uncertain_of_the_upsampled_logits()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        var coarse = Enumerable.Range(0, 36).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var result = Subdivision.Run(coarse, 1, 6, 6, 1, 30, (c, a) => new float[c.Length / 2]);
        var upsampled = BilinearResize.Resize(coarse, 1, 6, 6, 12, 12);
        var expected = UncertainPoints.TopK(PointUncertainty.Of(upsampled, 1), 30);
        Assert.True(expected.SequenceEqual(result.Steps[0].Indices), $"seed {seed}");
        Assert.All(expected, i => Assert.Equal(0f, result.Logits[i]));
    }

    [Fact]
    public void With_classes_the_refined_cells_have_the_smallest_margin_between_the_two_best_classes()
    {
        // Semantic masks (detectron2 calculate_uncertainty for C > 1): uncertainty = −(best − second best) logit of the
        // upsampled logits, and every class of a refined cell is replaced by the head's prediction.
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        int classes = 3;
        var coarse = Enumerable.Range(0, classes * 36).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var result = Subdivision.Run(coarse, classes, 6, 6, 1, 30, (c, a) => Enumerable.Repeat(7f, a.Length).ToArray());
        var upsampled = BilinearResize.Resize(coarse, classes, 6, 6, 12, 12);
        var margin = new float[144];
        PointUncertainty.Margin(upsampled, classes, margin);
        var expected = UncertainPoints.TopK(margin, 30);
        Assert.True(expected.SequenceEqual(result.Steps[0].Indices), $"seed {seed}");
        Assert.All(expected, i => Assert.All(Enumerable.Range(0, classes), c => Assert.Equal(7f, result.Logits[c * 144 + i])));
        // Not the binary rule on the first class's logit.
        Assert.False(UncertainPoints.TopK(PointUncertainty.Of(upsampled.AsSpan(0, 144), 1), 30).SequenceEqual(expected), $"seed {seed}");
    }
}

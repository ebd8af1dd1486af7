using Workbench.Kernels.Pruning;

namespace Workbench.Tests.Kernels.Pruning;

public class MagnitudePruningTests
{
    static float[][] RandomWeights(int seed, params int[] sizes)
    {
        var rng = new Random(seed);
        return sizes.Select(n => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    [Fact]
    public void Layerwise_pruning_removes_the_exact_fraction_of_survivors_per_layer()
    {
        int seed = TestPaths.FreshSeed();
        var weights = RandomWeights(seed, 1000, 300, 50);
        var masks = MagnitudePruning.Dense([1000, 300, 50]);
        masks = MagnitudePruning.PruneLayerwise(weights, masks, [0.2, 0.2, 0.1]);
        Assert.True(new[] { 800, 240, 45 }.SequenceEqual(masks.Select(m => m.Count(v => v == 1f))), $"seed {seed}");
        masks = MagnitudePruning.PruneLayerwise(weights, masks, [0.2, 0.2, 0.1]);
        Assert.True(new[] { 640, 192, 40 }.SequenceEqual(masks.Select(m => m.Count(v => v == 1f))),
            $"seed {seed}"); // 45 × 0.1 = 4.5 → 5 removed
        Assert.All(masks.SelectMany(m => m), v => Assert.True(v is 0f or 1f));
    }

    [Fact]
    public void The_smallest_magnitudes_among_survivors_go_first()
    {
        int seed = TestPaths.FreshSeed();
        var weights = RandomWeights(seed, 500);
        var masks = MagnitudePruning.PruneLayerwise(weights, MagnitudePruning.Dense([500]), [0.3]);
        float largestPruned = weights[0].Where((_, i) => masks[0][i] == 0f).Max(MathF.Abs);
        float smallestKept = weights[0].Where((_, i) => masks[0][i] == 1f).Min(MathF.Abs);
        Assert.True(largestPruned <= smallestKept, $"seed {seed}: pruned |w| up to {largestPruned} but kept one of {smallestKept}");
    }

    [Fact]
    public void Masks_are_chosen_by_position_never_by_value()
    {
        // Ties: all weights equal, so only positions decide (lowest first), and the count is still exact.
        var equal = new[] { Enumerable.Repeat(0.5f, 10).ToArray() };
        var tied = MagnitudePruning.PruneLayerwise(equal, MagnitudePruning.Dense([10]), [0.3]);
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f, 1f, 1f, 1f, 1f], tied[0]);

        // A pruned position keeps its mask even if its (stale) weight is large; a surviving weight that is exactly zero
        // is a survivor like any other and goes first. Thresholding by value would get both wrong.
        var weights = new[] { new[] { 9f, 0f, 0.1f, 0.2f, 0.3f } };
        var masks = new[] { new[] { 0f, 1f, 1f, 1f, 1f } };
        var next = MagnitudePruning.PruneLayerwise(weights, masks, [0.5]); // 4 survivors → remove 2: positions 1 (0.0) and 2 (0.1)
        Assert.Equal([0f, 0f, 0f, 1f, 1f], next[0]);
    }

    [Fact]
    public void Global_pruning_counts_all_layers_together()
    {
        var weights = new[] { new[] { 0.1f, 0.2f, 0.3f, 0.4f }, new[] { 0.05f, 0.9f } };
        // 6 survivors → remove 3 smallest: 0.05, 0.1, 0.2
        var masks = MagnitudePruning.PruneGlobal(weights, MagnitudePruning.Dense([4, 2]), 0.5);
        Assert.Equal([0f, 0f, 1f, 1f], masks[0]);
        Assert.Equal([0f, 1f], masks[1]);
        Assert.Equal(0.5, MagnitudePruning.Remaining(masks), 12);
    }

    [Fact]
    public void Random_masks_keep_the_per_layer_counts()
    {
        int seed = TestPaths.FreshSeed();
        var weights = RandomWeights(seed, 784 * 30, 300);
        var ticket = MagnitudePruning.PruneLayerwise(weights, MagnitudePruning.Dense([784 * 30, 300]), [0.7, 0.4]);
        var random = MagnitudePruning.RandomLike(ticket, new Random(seed));
        Assert.Equal(ticket.Select(m => m.Count(v => v == 1f)), random.Select(m => m.Count(v => v == 1f)));
        Assert.NotEqual(ticket[0], random[0]);
    }
}

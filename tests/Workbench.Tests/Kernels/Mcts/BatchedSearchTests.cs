using Workbench.Kernels.Mcts;

namespace Workbench.Tests.Kernels.Mcts;

/// <summary>A deterministic pseudo-random model: every output is a hash of the embedding and the action.</summary>
sealed class HashModel(int actions, int embeddingSize, float discount) : ISearchModel
{
    public int ActionCount => actions;

    public int EmbeddingSize => embeddingSize;

    public void Step(int batch, ReadOnlySpan<float> embeddings, ReadOnlySpan<int> acts, Span<float> nextEmbeddings, Span<float> rewards,
        Span<float> discounts, Span<float> priorLogits, Span<float> values)
    {
        for (int b = 0; b < batch; b++)
        {
            ulong h = 1469598103934665603UL ^ (ulong)acts[b];
            for (int d = 0; d < embeddingSize; d++)
                h = (h ^ (uint)BitConverter.SingleToInt32Bits(embeddings[b * embeddingSize + d])) * 1099511628211UL;
            var rng = new Random((int)(h % int.MaxValue));
            for (int d = 0; d < embeddingSize; d++) nextEmbeddings[b * embeddingSize + d] = rng.NextSingle();
            rewards[b] = rng.NextSingle() * 2 - 1;
            discounts[b] = discount;
            for (int a = 0; a < actions; a++) priorLogits[b * actions + a] = rng.NextSingle() * 3;
            values[b] = rng.NextSingle() * 2 - 1;
        }
    }

    public static SearchRoot Roots(int batch, int actions, int embeddingSize, Random rng)
    {
        var legal = new bool[batch * actions];
        for (int i = 0; i < legal.Length; i++) legal[i] = rng.NextDouble() < 0.7;
        for (int b = 0; b < batch; b++) legal[b * actions + rng.Next(actions)] = true;
        return new SearchRoot(batch, [.. Enumerable.Range(0, batch * embeddingSize).Select(_ => rng.NextSingle())],
            [.. Enumerable.Range(0, batch * actions).Select(_ => rng.NextSingle() * 3)],
            [.. Enumerable.Range(0, batch).Select(_ => rng.NextSingle() * 2 - 1)], legal);
    }
}

public class BatchedSearchTests
{
    [Theory]
    [InlineData(-1f, false)]
    [InlineData(-1f, true)]
    [InlineData(0.9f, false)]
    public void Batched_puct_gives_the_per_node_reference_visits_and_values(float discount, bool knownBounds)
    {
        int seed = Environment.TickCount;
        var rng = new Random(seed);
        const int A = 6, D = 3, B = 9;
        var model = new HashModel(A, D, discount);
        var root = HashModel.Roots(B, A, D, rng);
        var options = new SearchOptions
        {
            Kind = SearchKind.Puct, Simulations = 40, DirichletFraction = 0,
            ValueMin = knownBounds ? -1 : double.NaN, ValueMax = knownBounds ? 1 : double.NaN,
        };
        var batched = BatchedSearch.Run(model, root, options, new Random(0));
        for (int b = 0; b < B; b++)
        {
            var reference = NodeSearch.Run(model, root.Embeddings[(b * D)..((b + 1) * D)], root.PriorLogits[(b * A)..((b + 1) * A)],
                root.Values[b], root.Legal[(b * A)..((b + 1) * A)], options, new Random(0));
            var visits = batched.Tree.RootVisits(b);
            var q = batched.Tree.RootQ(b);
            for (int a = 0; a < A; a++)
            {
                int expected = reference.Children.TryGetValue(a, out var child) ? child.Visits : 0;
                Assert.True(expected == visits[a], $"seed {seed}, game {b}, action {a}: visits {visits[a]} vs reference {expected}");
                if (child is not null) Assert.Equal(child.Reward + child.Discount * child.Value, q[a], 12);
            }
            Assert.Equal(reference.Value, batched.Tree.NodeValue(b, 0), 12);
            Assert.Equal(options.Simulations + 1, reference.Visits);
        }
    }

    [Fact]
    public void Sequential_halving_follows_mctx_schedule()
    {
        Assert.Equal([0, 0, 0, 0, 1, 1, 2, 2], SequentialHalving.ConsideredVisits(4, 8));
        Assert.Equal([0, 1, 2, 3], SequentialHalving.ConsideredVisits(1, 4));
        Assert.Equal([0, 0, 1, 1, 2, 2], SequentialHalving.ConsideredVisits(2, 6));
        var table = SequentialHalving.Table(9, 20);
        Assert.Equal(10, table.Length);
        Assert.All(table, row => Assert.Equal(20, row.Length));
    }

    [Fact]
    public void Gumbel_policy_target_is_softmax_of_logits_plus_sigma_of_completed_q()
    {
        var rng = new Random(5);
        const int A = 7, D = 2, B = 4;
        var model = new HashModel(A, D, -1);
        var root = HashModel.Roots(B, A, D, rng);
        var options = new SearchOptions { Kind = SearchKind.Gumbel, Simulations = 12, ConsideredActions = 4 };
        var result = BatchedSearch.Run(model, root, options, new Random(1));
        var sigma = new double[A];
        for (int b = 0; b < B; b++)
        {
            BatchedSearch.CompletedQ(result.Tree, b, 0, options, sigma);
            var logits = Enumerable.Range(0, A)
                .Select(a => root.Legal[b * A + a] ? root.PriorLogits[b * A + a] + sigma[a] : double.NegativeInfinity).ToArray();
            double max = logits.Max();
            var exp = logits.Select(l => double.IsNegativeInfinity(l) ? 0 : Math.Exp(l - max)).ToArray();
            for (int a = 0; a < A; a++) Assert.Equal(exp[a] / exp.Sum(), result.ActionWeights[b * A + a], 5);
            Assert.True(root.Legal[b * A + result.Actions[b]]);
        }
    }

    [Fact]
    public void Gumbel_with_m_equal_to_the_simulations_visits_m_distinct_moves_and_puct_below_the_move_count_cannot()
    {
        const int A = 9, D = 2;
        var model = new HashModel(A, D, -1);
        var root = new SearchRoot(1, [0.1f, 0.2f], new float[A], [0f], [.. Enumerable.Repeat(true, A)]);
        var gumbel = BatchedSearch.Run(model, root, new SearchOptions { Kind = SearchKind.Gumbel, Simulations = 9, ConsideredActions = 9 },
            new Random(0));
        Assert.All(gumbel.Tree.RootVisits(0), v => Assert.Equal(1, v));
        var puct = BatchedSearch.Run(model, root, new SearchOptions { Kind = SearchKind.Puct, Simulations = 4, DirichletFraction = 0 },
            new Random(0));
        Assert.True(puct.Tree.RootVisits(0).Count(v => v > 0) <= 4);
    }

    [Fact]
    public void Zero_simulations_is_one_sentence()
    {
        var e = Assert.Throws<ArgumentException>(() => new SearchOptions { Simulations = 0 }.Validate());
        Assert.Equal("simulations = 0 is out of range: a search needs at least 1 simulation.", e.Message);
    }
}

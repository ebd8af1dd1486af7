using Workbench.Kernels.SoftSort;

namespace Workbench.Tests.Kernels.SoftSort;

public class PermutahedronProjectionTests
{
    static readonly int Seed = Environment.TickCount & int.MaxValue;

    static readonly SortDirection[] Directions = [SortDirection.Ascending, SortDirection.Descending];
    static readonly SoftRegularizer[] Regularizers = [SoftRegularizer.L2, SoftRegularizer.KL];

    static void Close(double expected, double actual, double tol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tol * Math.Max(1, Math.Abs(expected)),
            $"{what}: expected {expected:R}, got {actual:R} (seed {Seed})");

    [Fact]
    public void Paper_reference_outputs_hold_to_1e6()
    {
        var sort1 = PermutahedronProjection.Sort([5, 1, 2], epsilon: 1.0);
        Assert.Equal(5.0 / 3, sort1[0], 1e-6);
        Assert.Equal(8.0 / 3, sort1[1], 1e-6);
        Assert.Equal(11.0 / 3, sort1[2], 1e-6);
        Assert.Equal([1.0, 2.0, 5.0], PermutahedronProjection.Sort([5, 1, 2], epsilon: 0.1)); // exactly
        var rank2 = PermutahedronProjection.Rank([5, 1, 2], epsilon: 2.0);
        Assert.Equal(3.0, rank2[0], 1e-6);
        Assert.Equal(1.25, rank2[1], 1e-6);
        Assert.Equal(1.75, rank2[2], 1e-6);
    }

    [Fact]
    public void Small_epsilon_gives_the_hard_sort_and_rank()
    {
        var rng = new Random(Seed);
        foreach (var reg in Regularizers)
        foreach (var dir in Directions)
        {
            var x = Enumerable.Range(0, 50).Select(_ => rng.NextDouble() * 10 - 5).ToArray();
            var sorted = dir == SortDirection.Ascending ? x.Order().ToArray() : x.OrderDescending().ToArray();
            var ranks = x.Select(v => (double)(dir == SortDirection.Ascending ? x.Count(u => u < v) + 1 : x.Count(u => u > v) + 1))
                .ToArray();
            var soft = PermutahedronProjection.Sort(x, 1e-9, dir, reg);
            var softRank = PermutahedronProjection.Rank(x, 1e-9, dir, reg);
            for (int i = 0; i < x.Length; i++)
            {
                Close(sorted[i], soft[i], 1e-12, $"hard sort {reg} {dir} [{i}]");
                Close(ranks[i], softRank[i], 1e-12, $"hard rank {reg} {dir} [{i}]");
            }
        }
    }

    [Fact]
    public void Large_epsilon_gives_the_mean()
    {
        var rng = new Random(Seed);
        var x = Enumerable.Range(0, 20).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        double logMeanExp = Math.Log(x.Average(Math.Exp));
        foreach (var dir in Directions)
        {
            foreach (var v in PermutahedronProjection.Sort(x, 1e9, dir, SoftRegularizer.L2))
                Close(x.Average(), v, 1e-7, $"L2 sort mean {dir}");
            foreach (var v in PermutahedronProjection.Rank(x, 1e9, dir, SoftRegularizer.L2)) Close(10.5, v, 1e-7, $"L2 rank mean {dir}");
            foreach (var v in PermutahedronProjection.Rank(x, 1e9, dir, SoftRegularizer.KL)) Close(10.5, v, 1e-7, $"KL rank mean {dir}");
        }
        foreach (var v in PermutahedronProjection.Sort(x, 1e9, SortDirection.Descending, SoftRegularizer.KL))
            Close(logMeanExp, v, 1e-7, "KL sort log-mean-exp");
    }

    [Fact]
    public void Single_value_rows_are_the_value_and_rank_one()
    {
        foreach (var reg in Regularizers)
        foreach (var dir in Directions)
        {
            var result = PermutahedronProjection.Rank([3.5, -1, 7], 1, new SoftSortOptions(0.7, dir, reg));
            Assert.All(result.Values, v => Assert.Equal(1.0, v, 1e-12));
            Assert.Equal([3.5, -1, 7], PermutahedronProjection.Sort([3.5, -1, 7], 1, new SoftSortOptions(0.7, dir, reg)).Values);
            Assert.Equal([0.0, 0, 0], result.Backward([1.0, 2, 3]));
            Assert.Equal([1.0, 2, 3],
                PermutahedronProjection.Sort([3.5, -1, 7], 1, new SoftSortOptions(0.7, dir, reg)).Backward([1.0, 2, 3]));
        }
    }

    [Fact]
    public void Fast_path_matches_the_reference_on_random_inputs_with_ties_and_large_magnitudes()
    {
        var rng = new Random(Seed);
        for (int trial = 0; trial < 400; trial++)
        {
            int n = rng.Next(1, 30), rows = rng.Next(1, 4);
            double magnitude = trial % 4 == 3 ? 1e9 : 1;
            bool ties = trial % 3 == 0;
            var options = new SoftSortOptions(Math.Pow(10, rng.NextDouble() * 4 - 2) * magnitude, Directions[rng.Next(2)],
                Regularizers[rng.Next(2)]);
            var x = Enumerable.Range(0, rows * n)
                .Select(_ => ties ? rng.Next(-3, 4) * magnitude : (rng.NextDouble() * 6 - 3) * magnitude).ToArray();
            var g = Enumerable.Range(0, rows * n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            foreach (bool rank in new[] { true, false })
            {
                var fast = rank ? PermutahedronProjection.Rank(x, n, options) : PermutahedronProjection.Sort(x, n, options);
                var grad = fast.Backward(g);
                for (int r = 0; r < rows; r++)
                {
                    var row = x[(r * n)..((r + 1) * n)];
                    var (values, jacobian) = rank ? SoftSortReference.Rank(row, options) : SoftSortReference.Sort(row, options);
                    var vjp = SoftSortReference.Vjp(jacobian, g[(r * n)..((r + 1) * n)]);
                    double valueScale = rank ? n : magnitude * 3;
                    double gradScale = rank ? 1 / options.Epsilon * (options.Regularizer == SoftRegularizer.KL ? n : 1) : 1;
                    for (int i = 0; i < n; i++)
                    {
                        string what = $"trial {trial} {(rank ? "rank" : "sort")} {options} n={n} row {r} [{i}]";
                        Assert.True(Math.Abs(values[i] - fast.Values[r * n + i]) <= 1e-9 * valueScale,
                            $"{what}: value {fast.Values[r * n + i]:R} vs reference {values[i]:R} (seed {Seed})");
                        Assert.True(Math.Abs(vjp[i] - grad[r * n + i]) <= 1e-9 * gradScale * n,
                            $"{what}: gradient {grad[r * n + i]:R} vs reference {vjp[i]:R} (seed {Seed})");
                    }
                }
            }
        }
    }

    [Fact]
    public void Jacobian_matches_finite_differences()
    {
        var rng = new Random(Seed);
        for (int trial = 0; trial < 40; trial++)
        {
            int n = rng.Next(2, 12);
            var options = new SoftSortOptions(Math.Pow(10, rng.NextDouble() * 2 - 1), Directions[rng.Next(2)], Regularizers[rng.Next(2)]);
            var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
            var g = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            foreach (bool rank in new[] { true, false })
            {
                Func<double[], SoftSortResult> f = v => rank
                    ? PermutahedronProjection.Rank(v, n, options)
                    : PermutahedronProjection.Sort(v, n, options);
                var grad = f(x).Backward(g);
                const double h = 1e-6;
                for (int j = 0; j < n; j++)
                {
                    var plus = (double[])x.Clone(); plus[j] += h;
                    var minus = (double[])x.Clone(); minus[j] -= h;
                    var fp = f(plus).Values; var fm = f(minus).Values;
                    double numeric = Enumerable.Range(0, n).Sum(i => g[i] * (fp[i] - fm[i]) / (2 * h));
                    Assert.True(Math.Abs(numeric - grad[j]) <= 1e-5 * (1 + Math.Abs(numeric)),
                        $"trial {trial} {(rank ? "rank" : "sort")} {options} d/dx[{j}]: analytic {grad[j]:R}, " +
                            $"finite differences {numeric:R} (seed {Seed})");
                }
            }
        }
    }

    [Fact]
    public void Projections_satisfy_the_optimality_condition_over_all_permutations()
    {
        // The projection μ of z onto conv{permutations of w} satisfies ⟨∇f(μ), y − μ⟩ ≥ 0 for every vertex y:
        // L2 f = ½‖μ − z‖²; KL f = KL(μ, e^z) with ∇f = log μ − z. Independent of PAV.
        var rng = new Random(Seed);
        for (int trial = 0; trial < 60; trial++)
        {
            int n = rng.Next(2, 7);
            var reg = Regularizers[trial % 2];
            double eps = Math.Pow(10, rng.NextDouble() * 2 - 1);
            var x = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * 4 - 2, trial % 5 == 0 ? 0 : 6)).ToArray();
            var rank = PermutahedronProjection.Rank(x, eps, SortDirection.Ascending, reg);
            var z = x.Select(v => v / eps).ToArray();
            var mu = rank;
            var gradient = reg == SoftRegularizer.L2
                ? mu.Zip(z, (m, zz) => m - zz).ToArray()
                : mu.Zip(z, (m, zz) => Math.Log(m) - zz).ToArray();
            foreach (var p in Permutations(Enumerable.Range(1, n).Select(i => (double)i).ToArray()))
            {
                double inner = Enumerable.Range(0, n).Sum(i => gradient[i] * (p[i] - mu[i]));
                Assert.True(inner >= -1e-9,
                    $"trial {trial} {reg} ε={eps}: optimality violated by {inner:R} at vertex [{string.Join(",", p)}] (seed {Seed})");
            }
            Assert.Equal(n * (n + 1) / 2.0, mu.Sum(), 1e-9);
        }
    }

    [Fact]
    public void Isotonic_regression_is_decreasing_and_matches_the_reference()
    {
        var rng = new Random(Seed);
        for (int trial = 0; trial < 100; trial++)
        {
            int n = rng.Next(1, 40);
            var reg = Regularizers[trial % 2];
            var s = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 10 - 5).ToArray();
            var w = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 10 - 5).ToArray();
            var v = IsotonicRegression.Solve(s, w, reg);
            for (int i = 1; i < n; i++) Assert.True(v[i - 1] >= v[i] - 1e-12, $"not decreasing at {i} (seed {Seed})");
            foreach (var (start, end) in SoftSortReference.Isotonic(s, w, reg))
            {
                double value = SoftSortReference.Aggregate(s, start, end, reg) - SoftSortReference.Aggregate(w, start, end, reg);
                for (int i = start; i < end; i++) Close(value, v[i], 1e-10, $"isotonic {reg} trial {trial} [{i}]");
            }
        }
    }

    [Fact]
    public void Parallel_rows_equal_row_by_row()
    {
        var rng = new Random(Seed);
        int rows = 64, n = 500;
        var x = Enumerable.Range(0, rows * n).Select(_ => rng.NextDouble()).ToArray();
        var g = Enumerable.Range(0, rows * n).Select(_ => rng.NextDouble()).ToArray();
        foreach (var reg in Regularizers)
        {
            var options = new SoftSortOptions(0.01, SortDirection.Descending, reg);
            var batch = PermutahedronProjection.Rank(x, n, options);
            var grad = batch.Backward(g);
            for (int r = 0; r < rows; r += 7)
            {
                var single = PermutahedronProjection.Rank(x.AsSpan(r * n, n), n, options);
                Assert.Equal(single.Values, batch.Values[(r * n)..((r + 1) * n)]);
                Assert.Equal(single.Backward(g.AsSpan(r * n, n)), grad[(r * n)..((r + 1) * n)]);
            }
        }
    }

    [Theory]
    [InlineData(double.NaN, 1.0, "NaN")]
    [InlineData(double.PositiveInfinity, 1.0, "∞")]
    [InlineData(1.0, 0.0, "epsilon = 0")]
    [InlineData(1.0, -2.0, "epsilon = -2")]
    [InlineData(1.0, double.NaN, "epsilon = NaN")]
    [InlineData(1e300, 1e-300, "overflows")]
    public void Bad_input_gets_one_clear_sentence(double value, double eps, string expected)
    {
        foreach (var reg in Regularizers)
        {
            var e = Assert.Throws<ArgumentException>(
                () => PermutahedronProjection.Rank([1.0, value, 3.0], eps, SortDirection.Ascending, reg));
            Assert.Contains(expected, e.Message.Replace("Infinity", "∞"));
            Assert.EndsWith(".", e.Message);
            Assert.Throws<ArgumentException>(() => PermutahedronProjection.Sort([1.0, value, 3.0], eps, SortDirection.Ascending, reg));
        }
    }

    [Fact]
    public void Empty_rows_and_bad_gradients_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => PermutahedronProjection.Rank([], 1.0));
        Assert.Contains("empty", e.Message);
        Assert.Throws<ArgumentException>(() => PermutahedronProjection.Rank([1.0, 2, 3], 2, null));
        var result = PermutahedronProjection.Rank([1.0, 2, 3], 3, null);
        var g = Assert.Throws<ArgumentException>(() => result.Backward([1.0, double.NaN, 0]));
        Assert.Contains("incoming gradient", g.Message);
    }

    static IEnumerable<double[]> Permutations(double[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var p in Permutations(rest)) yield return [items[i], .. p];
        }
    }
}

public class SoftSortArgsortTests
{
    [Fact]
    public void Radix_argsort_orders_by_decreasing_value_then_index_like_a_comparison_sort()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        for (int trial = 0; trial < 60; trial++)
        {
            int n = rng.Next(PermutahedronProjection.RadixThreshold, 5_000);
            double scale = Math.Pow(10, rng.Next(-6, 10));
            bool ties = trial % 3 == 0, clustered = trial % 3 == 1;
            // Clustered: most values within a few ulps of one another, so whole buckets overflow into the radix fallback.
            var a = Enumerable.Range(0, n).Select(_ => ties ? rng.Next(-5, 6) * scale
                : clustered ? (rng.Next(4) == 0 ? (rng.NextDouble() * 2 - 1) * scale : scale * (1 + rng.Next(64) * 1e-15))
                : (rng.NextDouble() * 2 - 1) * scale).ToArray();
            a[rng.Next(n)] = 0.0;
            a[rng.Next(n)] = -0.0; // equal to +0: a tie, ordered by index
            var expected = Enumerable.Range(0, n).OrderByDescending(i => a[i]).ThenBy(i => i).ToArray();
            var perm = new int[n];
            var sorted = new double[n];
            PermutahedronProjection.ArgsortDescending(a, sorted, perm);
            Assert.True(expected.SequenceEqual(perm), $"seed {seed}, trial {trial}, n {n}");
            Assert.Equal(expected.Select(i => a[i]), sorted);
        }
    }
}

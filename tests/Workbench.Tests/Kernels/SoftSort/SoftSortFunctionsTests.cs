using TorchSharp;
using Workbench.Kernels.SoftSort;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Kernels.SoftSort;

public class SoftSortFunctionsTests
{
    static readonly int Seed = Environment.TickCount & int.MaxValue;

    public SoftSortFunctionsTests() => TorchSetup.Initialize();

    static Tensor Apply(bool rank, Tensor x, SoftSortOptions o) => rank
        ? SoftSortFunctions.soft_rank(x, o.Epsilon, o.Direction, o.Regularizer)
        : SoftSortFunctions.soft_sort(x, o.Epsilon, o.Direction, o.Regularizer);

    [Fact]
    public void Float64_gradients_match_finite_differences()
    {
        var rng = new Random(Seed);
        for (int trial = 0; trial < 24; trial++)
        {
            int rows = rng.Next(1, 4), n = rng.Next(2, 9);
            var options = new SoftSortOptions(Math.Pow(10, rng.NextDouble() * 2 - 1),
                trial % 2 == 0 ? SortDirection.Ascending : SortDirection.Descending,
                trial % 4 < 2 ? SoftRegularizer.L2 : SoftRegularizer.KL);
            bool rank = trial % 3 != 0;
            var data = Enumerable.Range(0, rows * n).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
            var weights = Enumerable.Range(0, rows * n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            using var scope = NewDisposeScope();
            var w = tensor(weights, [rows, n], ScalarType.Float64);
            // A nonlinear loss, so the incoming gradient differs per element.
            Func<Tensor, Tensor> loss = t => (Apply(rank, t, options) * w).pow(2).sum();
            var x = tensor(data, [rows, n], ScalarType.Float64).requires_grad_();
            loss(x).backward();
            var analytic = x.grad!.data<double>().ToArray();
            const double h = 1e-6;
            for (int j = 0; j < rows * n; j++)
            {
                var plus = (double[])data.Clone(); plus[j] += h;
                var minus = (double[])data.Clone(); minus[j] -= h;
                double numeric;
                using (no_grad())
                    numeric = (loss(tensor(plus, [rows, n], ScalarType.Float64)).item<double>()
                        - loss(tensor(minus, [rows, n], ScalarType.Float64)).item<double>()) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[j]) <= 1e-5 * (1 + Math.Abs(numeric)),
                    $"trial {trial} {(rank ? "soft_rank" : "soft_sort")} {options} [{j}]: autograd {analytic[j]:R}, " +
                        $"finite differences {numeric:R} (seed {Seed})");
            }
        }
    }

    [Fact]
    public void Float32_agrees_with_float64_and_keeps_its_dtype()
    {
        var rng = new Random(Seed);
        var data = Enumerable.Range(0, 3 * 10).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        using var scope = NewDisposeScope();
        var x32 = tensor(data, [3, 10]).requires_grad_();
        var x64 = tensor(data.Select(v => (double)v).ToArray(), [3, 10], ScalarType.Float64).requires_grad_();
        foreach (var reg in new[] { SoftRegularizer.L2, SoftRegularizer.KL })
        {
            var r32 = SoftSortFunctions.soft_rank(x32, 0.3, SortDirection.Descending, reg);
            var r64 = SoftSortFunctions.soft_rank(x64, 0.3, SortDirection.Descending, reg);
            Assert.Equal(ScalarType.Float32, r32.dtype);
            Assert.Equal(new long[] { 3, 10 }, r32.shape);
            Assert.True(r32.to_type(ScalarType.Float64).allclose(r64, rtol: 1e-5, atol: 1e-5), $"float32 and float64 differ (seed {Seed})");
            x32.grad?.zero_(); x64.grad?.zero_();
            r32.pow(2).sum().backward();
            r64.pow(2).sum().backward();
            Assert.Equal(ScalarType.Float32, x32.grad!.dtype);
            Assert.True(x32.grad.to_type(ScalarType.Float64).allclose(x64.grad!, rtol: 1e-4, atol: 1e-4),
                $"float32 gradient differs (seed {Seed})");
        }
    }

    [Fact]
    public void Paper_values_through_torch()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 5, 1, 2 });
        var rank = SoftSortFunctions.soft_rank(x, 2.0).data<double>().ToArray();
        Assert.Equal(new[] { 3.0, 1.25, 1.75 }, rank.Select(v => Math.Round(v, 9)));
        var sorted = SoftSortFunctions.soft_sort(x, 0.1).data<double>().ToArray();
        Assert.Equal(new[] { 1.0, 2, 5 }, sorted);
    }

    [Fact]
    public void Unsupported_tensors_get_a_clear_error()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => SoftSortFunctions.soft_rank(tensor(new long[] { 1, 2 })));
        Assert.Contains("float32 or float64", e.Message);
        e = Assert.Throws<ArgumentException>(() => SoftSortFunctions.soft_rank(zeros(2, 2, 2)));
        Assert.Contains("[rows, n]", e.Message);
        e = Assert.Throws<ArgumentException>(() => SoftSortFunctions.soft_rank(zeros(3, 0)));
        Assert.Contains("empty", e.Message);
        e = Assert.Throws<ArgumentException>(() => SoftSortFunctions.soft_rank(tensor(new[] { 1.0f, float.NaN })));
        Assert.Contains("NaN", e.Message);
        e = Assert.Throws<ArgumentException>(() => SoftSortFunctions.soft_sort(tensor(new[] { 1.0f, 2f }), epsilon: 0));
        Assert.Contains("epsilon = 0", e.Message);
    }
}

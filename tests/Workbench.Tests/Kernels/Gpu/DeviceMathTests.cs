using Workbench.Kernels.Gpu;

namespace Workbench.Tests.Kernels.Gpu;

public class DeviceMathTests
{
    static readonly int Seed = Environment.TickCount & int.MaxValue;

    static double Ulps(double got, double expected) =>
        got == expected
            ? 0
            : Math.Abs(got - expected) / Math.Max(double.Epsilon, Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected));

    [Fact]
    public void Exp_is_within_two_ulp_of_math_exp_across_its_range()
    {
        var rng = new Random(Seed);
        for (int t = 0; t < 200_000; t++)
        {
            double x = t % 4 == 0 ? rng.NextDouble() * 1454 - 745 : (rng.NextDouble() - 0.5) * 40;
            double got = DeviceMath.Exp(x), expected = Math.Exp(x);
            Assert.True(Ulps(got, expected) <= 2 || Math.Abs(got - expected) <= 4 * double.Epsilon,
                $"exp({x:R}) = {got:R}, Math.Exp gives {expected:R} (seed {Seed})");
        }
        Assert.Equal(1.0, DeviceMath.Exp(0));
        Assert.Equal(0.0, DeviceMath.Exp(-800));
        Assert.Equal(double.PositiveInfinity, DeviceMath.Exp(710));
        Assert.True(double.IsNaN(DeviceMath.Exp(double.NaN)));
        Assert.Equal(Math.Exp(-744), DeviceMath.Exp(-744), 1e-320); // subnormal result
    }

    [Fact]
    public void Log_is_within_two_ulp_of_math_log_including_subnormals_and_edges()
    {
        var rng = new Random(Seed);
        for (int t = 0; t < 200_000; t++)
        {
            double x = t % 3 switch
            {
                0 => Math.Exp(rng.NextDouble() * 1400 - 700),
                1 => 1 + (rng.NextDouble() - 0.5) * 1e-3, // near 1, where log is small and relative error matters
                _ => rng.NextDouble() * 1e19,             // u64 key ranges, as in the RMI root
            };
            double got = DeviceMath.Log(x), expected = Math.Log(x);
            Assert.True(Ulps(got, expected) <= 2, $"log({x:R}) = {got:R}, Math.Log gives {expected:R} (seed {Seed})");
        }
        Assert.Equal(0.0, DeviceMath.Log(1));
        Assert.Equal(Math.Log(5e-324), DeviceMath.Log(5e-324), 1e-12);
        Assert.Equal(double.NegativeInfinity, DeviceMath.Log(0));
        Assert.Equal(double.PositiveInfinity, DeviceMath.Log(double.PositiveInfinity));
        Assert.True(double.IsNaN(DeviceMath.Log(-1)));
        Assert.True(double.IsNaN(DeviceMath.Log(double.NaN)));
    }
}

using System.Diagnostics;
using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Benchmarks;

/// <summary>
/// Times libtorch's square root (and alternatives) on a 300 × 784 float tensor by content: all normal, 20 / 80 / 100 %
/// zeros, subnormals in place of the zeros. A probe, not a benchmark:
/// <c>dotnet run -c Release --project benchmarks/Workbench.Benchmarks -- ops-lottery</c>.
/// </summary>
public static class LotteryOpsProbe
{
    public static void Run()
    {
        TorchSetup.Initialize();
        torch.set_num_threads(1);
        var tiny = Scalars.Of(1.1754943508222875E-38);
        foreach (var zeroFraction in new[] { 0.0, 0.2, 0.8, 1.0 })
        {
            using var scope = NewDisposeScope();
            var mask = rand(300, 784).ge(Scalars.Of(zeroFraction)).to_type(ScalarType.Float32);
            var sq = rand(300, 784).mul_(Scalars.Of(1e-6)).mul_(mask);
            var sub = rand(300, 784).mul_(Scalars.Of(1e-39)).mul_(mask.neg().add_(Scalars.One)).add_(sq);
            var names = new[] { "sqrt", "pow(0.5)", "clamp_min(FLT_MIN)", "clamp+sqrt", "sqrt subnormal-not-zero", "mul", "sqrt f64" };
            var d64 = sq.to_type(ScalarType.Float64);
            var t = new double[names.Length];
            var sw = new Stopwatch();
            for (int rep = 0; rep < 300; rep++)
            {
                using var inner = NewDisposeScope();
                sw.Restart(); sq.sqrt(); t[0] += sw.Elapsed.TotalMilliseconds;
                sw.Restart(); sq.pow(Scalars.Of(0.5)); t[1] += sw.Elapsed.TotalMilliseconds;
                sw.Restart(); var c = sq.clamp_min(tiny); t[2] += sw.Elapsed.TotalMilliseconds;
                sw.Restart(); c.sqrt(); t[3] += sw.Elapsed.TotalMilliseconds;
                sw.Restart(); sub.sqrt(); t[4] += sw.Elapsed.TotalMilliseconds;
                sw.Restart(); sq.mul(sq); t[5] += sw.Elapsed.TotalMilliseconds;
                sw.Restart(); d64.sqrt(); t[6] += sw.Elapsed.TotalMilliseconds;
            }
            Console.WriteLine($"zero fraction {zeroFraction}: " +
                string.Join(", ", names.Select((n, i) => $"{n} {1000 * t[i] / 300:0} µs")));
        }
    }
}

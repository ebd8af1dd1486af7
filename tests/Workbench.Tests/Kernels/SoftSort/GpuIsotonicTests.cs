using Workbench.Kernels.SoftSort;

namespace Workbench.Tests.Kernels.SoftSort;

public class GpuIsotonicTests
{
    static readonly int Seed = Environment.TickCount & int.MaxValue;

    [Theory]
    [InlineData(SoftRegularizer.L2)]
    [InlineData(SoftRegularizer.KL)]
    public void Ilgpu_kernel_on_the_cpu_accelerator_equals_the_cpu_path(SoftRegularizer reg)
    {
        var rng = new Random(Seed);
        using var gpu = GpuIsotonic.Create(preferCpu: true);
        foreach (int n in new[] { 1, 2, 7, 64 })
        {
            int rows = 33;
            // Rows of s sorted decreasingly (as after the soft rank's sort), some with ties; w = ρ or log ρ.
            var s = new double[rows * n];
            var w = new double[rows * n];
            for (int r = 0; r < rows; r++)
            {
                var row = Enumerable.Range(0, n).Select(_ => r % 3 == 0 ? rng.Next(-2, 3) : rng.NextDouble() * 6 - 3)
                    .OrderDescending().ToArray();
                row.CopyTo(s, r * n);
                for (int i = 0; i < n; i++) w[r * n + i] = reg == SoftRegularizer.L2 ? n - i : Math.Log(n - i);
            }
            var g = Enumerable.Range(0, rows * n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            var output = new double[rows * n]; var blockEnd = new int[rows * n]; var blocks = new int[rows];
            var aggS = new double[rows * n]; var aggW = new double[rows * n];
            gpu.Forward(s, w, n, reg, output, blockEnd, blocks, aggS, aggW);
            var gradS = new double[rows * n]; var gradW = new double[rows * n];
            gpu.Backward(g, s, blockEnd, aggS, blocks, n, reg, withRespectToS: true, gradS);
            gpu.Backward(g, w, blockEnd, aggW, blocks, n, reg, withRespectToS: false, gradW);
            for (int r = 0; r < rows; r++)
            {
                var cpuOut = new double[n]; var cpuEnd = new int[n]; var cpuAggS = new double[n]; var cpuAggW = new double[n];
                int nb = Pav.Forward(s.AsSpan(r * n, n), w.AsSpan(r * n, n), reg, cpuOut, cpuEnd, cpuAggS, cpuAggW);
                Assert.True(nb == blocks[r], $"n={n} row {r}: {blocks[r]} blocks on the accelerator, {nb} on the CPU (seed {Seed})");
                var cpuGradS = new double[n]; var cpuGradW = new double[n];
                Pav.VjpS(g.AsSpan(r * n, n), s.AsSpan(r * n, n), reg, cpuEnd, cpuAggS, nb, cpuGradS);
                Pav.VjpW(g.AsSpan(r * n, n), w.AsSpan(r * n, n), reg, cpuEnd, cpuAggW, nb, cpuGradW);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(Math.Abs(cpuOut[i] - output[r * n + i]) <= 1e-12 * (1 + Math.Abs(cpuOut[i])),
                        $"n={n} row {r} [{i}] output (seed {Seed})");
                    Assert.True(Math.Abs(cpuGradS[i] - gradS[r * n + i]) <= 1e-12, $"n={n} row {r} [{i}] gradient wrt s (seed {Seed})");
                    Assert.True(Math.Abs(cpuGradW[i] - gradW[r * n + i]) <= 1e-12, $"n={n} row {r} [{i}] gradient wrt w (seed {Seed})");
                }
            }
        }
    }
}

using Workbench.Kernels.Gpu;
using Workbench.Kernels.RangeImage;

namespace Workbench.Tests.Kernels.RangeImage;

public class GpuKnnCleanupTests
{
    [Theory]
    [InlineData(5, 5, 1.0, 1.0, false)]
    [InlineData(5, 5, 1.0, 1.0, true)]
    [InlineData(3, 3, 0.5, 0.0, false)]
    [InlineData(9, 7, 2.0, 0.3, true)]
    [InlineData(1, 1, 1.0, 1.0, false)]
    public void The_gpu_kernel_on_ilgpus_cpu_accelerator_equals_the_cpu_path(int k, int window, double sigma, double cutoff, bool wrap)
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        int height = 8, width = 48, n = height * width * 2;
        float[] x = new float[n], y = new float[n], z = new float[n], r = new float[n];
        for (int i = 0; i < n; i++)
        {
            double az = rng.NextDouble() * 2 * Math.PI, el = (rng.NextDouble() * 28 - 25) * Math.PI / 180;
            double range = rng.NextDouble() < 0.1 ? 5 : 2 + rng.NextDouble() * 6;
            x[i] = (float)(range * Math.Cos(el) * Math.Cos(az));
            y[i] = (float)(range * Math.Cos(el) * Math.Sin(az));
            z[i] = (float)(range * Math.Sin(el));
        }
        var p = SphericalProjection.Project(x, y, z, r, new RangeImageGeometry(height, width, 3, -25));
        var labels = Enumerable.Range(0, height * width).Select(_ => rng.Next(9)).ToArray();
        var options = new KnnOptions(k, window, sigma, cutoff, wrap);
        using var gpu = new GpuKnnCleanup(AcceleratorChoice.Cpu);
        var (gpuLabels, _) = gpu.Apply(p, labels, 9, options);
        var cpu = KnnCleanup.Apply(p, labels, 9, options);
        Assert.True(cpu.SequenceEqual(gpuLabels), $"seed {seed}: {cpu.Zip(gpuLabels).Count(t => t.First != t.Second)} points differ");
    }

    [Fact]
    public void K_above_the_kernel_limit_is_one_sentence()
    {
        var p = new RangeProjection(8, 8, 1, ProjectionMask.IndexAtLeastZero);
        using var gpu = new GpuKnnCleanup(AcceleratorChoice.Cpu);
        var e = Assert.Throws<ArgumentException>(() => gpu.Apply(p, new int[64], 9, new KnnOptions(40, 7)));
        Assert.Contains("limit of 32", e.Message);
    }
}
